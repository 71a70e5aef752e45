"""drf-review (review/) agrees with the kata: the naive code is flagged, the article's
where its manifest says it fails, the shop nowhere."""

from kata import manifest, review


def test_the_checker_flags_each_naive_variant_the_articles_where_it_fails_and_not_the_shop():
    problems = []
    naive, article = review.variant_findings("naive"), review.variant_findings("article")
    for pattern in manifest.patterns():
        codes = {f.code for f in naive[pattern.number]}
        if not codes & set(pattern.codes):
            problems.append(
                f"{pattern.number}: checked the naive variant, got {sorted(codes)}, "
                f"expected one of {list(pattern.codes)}"
            )
        flagged = {f.code for f in article[pattern.number]}
        for symptom in pattern.symptoms:
            if not symptom.codes:
                continue
            expected = symptom.article == "fails" and not symptom.unseen
            if bool(flagged & set(symptom.codes)) != expected:
                problems.append(
                    f"{pattern.number}: checked the article's variant for {list(symptom.codes)}, "
                    f"got {'a finding' if not expected else 'none'}, expected "
                    f"{'a finding (its manifest says it fails)' if expected else 'none'}: "
                    f"{symptom.text}"
                )
    shop = [f"{f.path}:{f.line} {f.code}" for f in review.shop_findings()]
    assert (problems, shop) == ([], []), "\n".join([*problems, *shop])


def test_each_pattern_readme_shows_what_the_checker_says_about_its_naive_code():
    """`nox -s readmes -- --update` rewrites the blocks; this fails until someone has."""
    assert review.stale() == []
