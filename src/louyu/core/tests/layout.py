"""Layout checks for Playwright tests of every app (apps below ``web`` may not import its
test fixtures)."""


def assert_fits_the_viewport(page) -> None:
    """The page scrolls only vertically: nothing runs past the right edge of the window, and
    no table scrolls sideways inside its ``.table-responsive`` box either."""
    overflow = page.evaluate(
        """() => Math.max(
            document.scrollingElement.scrollWidth - document.documentElement.clientWidth,
            ...[...document.querySelectorAll('.table-responsive')].map(
                (box) => box.scrollWidth - box.clientWidth))"""
    )
    assert overflow <= 0, f"{page.url} is {overflow}px wider than the window"
