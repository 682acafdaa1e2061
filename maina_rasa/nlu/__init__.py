"""Custom NLU components: Japanese normaliser, GiNZA-lite tokenizer/featurizer, date extractor."""
