from tests.databases import empty_engine, engine

__all__ = ["empty_engine", "engine"]
