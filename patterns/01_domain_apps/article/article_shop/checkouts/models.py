# "checkout flow, payment intents": the article shows no model for them.
