"""マイナちゃん domain logic: facts, dates, card rules, privacy guard.

Plain Python with no Rasa imports, so it can be tested and reused on its own.
"""
