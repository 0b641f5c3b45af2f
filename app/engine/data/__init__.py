"""Data files shipped with the engine (name tables loaded once by ``app.engine.lexicon``)."""
