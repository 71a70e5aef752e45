"""Timelines: what a forced interleaving recorded, its shape, and the pictures drawn from it."""

import xml.etree.ElementTree as ET

import pytest
from django.db import connection, transaction
from django.db.models.signals import pre_save

from kata.timelines import readme, svg, terminal
from kata.timelines.shape import shape_of
from shop.products.models import Product
from testing.concurrency import Rendezvous, run_concurrently, run_meanwhile
from testing.factories import ProductFactory
from testing.timelines import recorder
from testing.timelines.recorded import Event, Recorded, Scene, Sync

LOCK_AND_RENAME = 'SELECT * FROM "products_product" WHERE id = %s FOR UPDATE'


def recorded(run) -> Scene:
    """Record ``run()`` as the plugin does for a test; its one scene."""
    recorder.start()
    try:
        run()
    finally:
        recording = recorder.stop()
    assert len(recording.scenes) == 1, f"recorded {len(recording.scenes)} scenes, expected 1"
    return recording.scenes[0]


def lock_then_rename(product_id: int, name: str):
    def work():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(LOCK_AND_RENAME, [product_id])
            Product.objects.filter(pk=product_id).update(name=name)

    return work


@pytest.fixture
def a_product_two_threads_lock(transactional_db) -> Scene:
    """The first locks a product and, before renaming it, lets the other try to lock it too."""
    product = ProductFactory()
    return recorded(
        lambda: run_meanwhile(
            lock_then_rename(product.pk, "first's"),
            before='UPDATE "products_product"',
            meanwhile=lock_then_rename(product.pk, "second's"),
        )
    )


@pytest.mark.postgres(reason="row locks and pg_stat_activity")
def test_a_wait_on_a_row_lock_is_recorded_in_the_order_the_locks_force(a_product_two_threads_lock):
    shape = shape_of(a_product_two_threads_lock)

    assert shape.text().splitlines() == [
        "lanes: first, meanwhile",
        " 1 first: lock product",
        ' 2 -- first pauses before UPDATE "products_product"; meanwhile runs',
        " 3 meanwhile: lock product (waits)",
        " 4 -- first goes on: meanwhile waits on a lock",
        ' 5 first: update product: name = "first\'s"',
        " 6 first: COMMIT",
        " 7 meanwhile: granted",
        ' 8 meanwhile: update product: name = "second\'s"',
        " 9 meanwhile: COMMIT",
        "meanwhile's wait (row 7) ended with first's transaction (row 6)",
    ]


@pytest.mark.postgres(reason="backend pids")
@pytest.mark.django_db(transaction=True)
def test_threads_of_one_kind_are_numbered_by_what_they_did_and_the_rendezvous_is_a_row():
    scene = recorded(
        lambda: run_concurrently(
            [lambda: ProductFactory(name="a"), lambda: ProductFactory(name="b")],
            Rendezvous(2).at_signal(pre_save, sender=Product),
            lanes="buyer",
        )
    )

    assert shape_of(scene).text().splitlines() == [
        "lanes: buyer 1, buyer 2",
        " 1 buyer 1: held; buyer 2: held",
        " 2 -- rendezvous lets go: all 2 held",
        " 3 buyer 1: insert product (autocommit); buyer 2: insert product (autocommit)",
    ]


def scene_where(first_to_lock: str) -> Scene:
    """Two buyers, one lock: the same story whichever thread happened to get it first."""
    other = "buyer 2" if first_to_lock == "buyer 1" else "buyer 1"
    lock = 'SELECT "products_sku"."id" FROM "products_sku" FOR UPDATE'
    return Scene(
        "2 buyers at once",
        lanes=["buyer 1", "buyer 2"],
        pids={"buyer 1": 11, "buyer 2": 12},
        events=[
            Event(first_to_lock, "sql", 0.001, 0.002, sql=lock),
            Event(other, "sql", 0.0015, 0.010, sql=lock, waited=True),
            Event(first_to_lock, "hold", 0.003, 0.003),
            Event(first_to_lock, "commit", 0.005, 0.006),
            Event(other, "rollback", 0.011, 0.012),
        ],
        syncs=[Sync(0.004, "rendezvous lets go: 1 held, 1 wait on a lock")],
        nouns={"products_sku": ["SKU", "SKUs"]},  # as the recorder names it, from the model
    )


@pytest.mark.postgres(reason="row locks")
def test_a_recording_names_its_tables_as_their_models_do(a_product_two_threads_lock):
    assert a_product_two_threads_lock.nouns == {"products_product": ["product", "products"]}


def test_a_statement_on_several_rows_names_them_in_the_plural():
    scene = scene_where("buyer 1")
    for lock in scene.events[:2]:
        lock.rows = 2

    assert shape_of(scene).text().splitlines()[1] == (
        " 1 buyer 1: lock SKUs; buyer 2: lock SKUs (waits)"
    )


def test_a_table_the_recording_does_not_name_is_drawn_without_its_apps_prefix():
    scene = scene_where("buyer 1")
    scene.nouns = {}

    assert (
        shape_of(scene).text().splitlines()[1] == " 1 buyer 1: lock sku; buyer 2: lock sku (waits)"
    )


def test_the_shape_is_the_same_whichever_thread_got_the_lock_first():
    one, other = shape_of(scene_where("buyer 1")), shape_of(scene_where("buyer 2"))

    assert one.text() == other.text()
    assert one.text().splitlines()[1:3] == [
        " 1 buyer 1: lock SKU; buyer 2: lock SKU (waits)",
        " 2 buyer 1: held",
    ]


def test_the_svg_is_valid_names_each_thread_and_is_the_same_for_the_same_shape():
    shape = shape_of(scene_where("buyer 2"))

    drawing = svg.render("test_two_buyers", [("naive", "fails", shape), ("shop", "passes", shape)])

    root = ET.fromstring(drawing)  # raises if it is not well-formed XML
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"buyer 1", "buyer 2"} <= set(texts), f"lane names in the SVG: {texts}"
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    same_story = shape_of(scene_where("buyer 1"))  # the other thread got the lock first
    assert (
        svg.render("test_two_buyers", [("naive", "fails", same_story), ("shop", "passes", shape)])
        == drawing
    )


def test_the_terminal_swimlanes_fit_in_100_columns():
    one = Recorded("test_two_buyers", "shop", "passes", [scene_where("buyer 1")])
    lines = terminal.everything({"test_two_buyers": [one]})

    assert max(len(line) for line in lines) <= 100
    assert any("buyer 2: lock SKU: granted (buyer 1 committed)" in line for line in lines), lines


@pytest.fixture
def a_pattern_asking_for_a_timeline(tmp_path):
    (tmp_path / "README.md").write_text(
        "## What goes wrong\n\n<!-- kata:timeline test_two_buyers naive shop -->\n"
        "<!-- kata:timeline end -->\n\n## The fix\n"
    )
    runs = {
        "test_two_buyers": [
            Recorded("test_two_buyers", "naive", "fails", [scene_where("buyer 1")]),
            Recorded("test_two_buyers", "shop", "passes", [scene_where("buyer 2")]),
        ]
    }
    return tmp_path, runs


def test_a_readme_timeline_is_drawn_then_checked_by_its_shape(a_pattern_asking_for_a_timeline):
    pattern, runs = a_pattern_asking_for_a_timeline

    assert readme.update(pattern, "99", runs) == []
    assert readme.update(pattern, "99", runs) == []  # idempotent

    text = (pattern / "README.md").read_text()
    assert "](timelines/two_buyers.svg)" in text
    assert text.endswith("<!-- kata:timeline end -->\n\n## The fix\n")
    assert readme.check(pattern, runs) == []
    runs["test_two_buyers"][1].scenes[0].events.pop()  # the shop's buyer 2 never rolls back
    assert "shows another shape" in readme.check(pattern, runs)[0]
