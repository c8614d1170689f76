"""A shared check for wording tests: two phrasings of one question read the same."""


def assert_same_reading(engine, question: str, plain: str) -> None:
    """*question* is answered, with exactly the SQL of its *plain* phrasing."""
    worded, bare = engine.parse(question), engine.parse(plain)
    assert worded.error is None, worded.error
    assert worded.sql == bare.sql
