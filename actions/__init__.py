"""Custom actions (rasa-sdk): thin wrappers around the maina domain package."""
