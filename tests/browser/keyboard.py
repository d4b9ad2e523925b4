"""Keyboard-only driving: reach controls with Tab, fill them by typing, act with Enter or Space.

Reuse these to prove a flow works without a mouse, e.g. logging a meeting's outcome:

    tab_to(page, page.get_by_role("link", name="Log outcome"))
    page.keyboard.press("Enter")
    fill_by_keyboard(page, {"Summary": "Agreed the plan", "Decided on": date(2027, 3, 3)})
    submit_by_keyboard(page, page.get_by_role("button", name="Save"))

log_in_by_keyboard(page, live_server) logs an organiser in from the home page the same way.

Every control reached must show a visible focus indicator; tab_to fails otherwise.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from tests.browser.conftest import ORGANISER_EMAIL, PASSWORD, LiveServer

MAX_TABS = 250

FOCUS_JS = """
(el) => {
  if (document.activeElement !== el) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  return {visible: outline || shadow, html: el.outerHTML.slice(0, 120)};
}
"""


def describe_focus(page: Any) -> str:
    """A short description of the focused element."""
    return str(
        page.evaluate(
            "() => document.activeElement ? document.activeElement.outerHTML.slice(0, 100) : ''"
        )
    )


def tab_to(page: Any, target: Any, max_tabs: int = MAX_TABS) -> None:
    """Press Tab until target (a Locator) has focus, and check the focus is visible."""
    if target.count() == 0:
        raise AssertionError(f"nothing to Tab to on {page.url}: {target} matches no element")
    handle = target.first.element_handle()
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_JS, handle)
        if state is not None:
            if not state["visible"]:
                raise AssertionError(f"focus is not visible on {state['html']}")
            return
    raise AssertionError(
        f"{max_tabs} Tab presses never reached {target}; focus ended on {describe_focus(page)}"
    )


def enter_value(page: Any, target: Any, value: str | bool | date | datetime) -> None:
    """Type value into the focused control the way a keyboard user would."""
    element = target.first
    kind = element.evaluate(
        "(el) => el.tagName === 'SELECT' ? 'select' : (el.type || el.tagName).toLowerCase()"
    )
    if kind == "select":
        select_by_keyboard(page, element, str(value))
    elif kind in ("checkbox", "radio"):
        if bool(element.is_checked()) != bool(value):
            page.keyboard.press("Space")
    elif kind == "datetime-local":
        assert isinstance(value, datetime), f"{target} needs a datetime"
        # Chromium's segments here: mm/dd/yyyy, hh:mm AM/PM; the year takes up to 6 digits.
        page.keyboard.type(f"{value:%m%d%Y}")
        page.keyboard.press("ArrowRight")
        page.keyboard.type(f"{value:%I%M}{'P' if value.hour >= 12 else 'A'}")
        expected = f"{value:%Y-%m-%dT%H:%M}"
        actual = element.input_value()
        assert actual == expected, f"typed {expected} into {target} but it holds {actual!r}"
    elif kind == "date":
        assert isinstance(value, date), f"{target} needs a date"
        page.keyboard.type(f"{value:%m%d%Y}")
        actual = element.input_value()
        assert actual == value.isoformat(), f"typed {value} into {target}: holds {actual!r}"
    else:
        page.keyboard.press("ControlOrMeta+a")
        page.keyboard.type(str(value))


def select_by_keyboard(page: Any, element: Any, text: str) -> None:
    """Choose the option whose label is text: type its name, else Home and ArrowDown."""
    labels = element.evaluate("(el) => [...el.options].map((o) => o.label.trim())")
    if text not in labels:
        raise AssertionError(f"no option {text!r} in {labels[:20]}")
    chosen_js = "(el) => el.selectedIndex < 0 ? '' : el.options[el.selectedIndex].label.trim()"
    page.keyboard.type(text)
    if element.evaluate(chosen_js) == text:
        return
    page.keyboard.press("Home")
    for _ in range(labels.index(text)):
        page.keyboard.press("ArrowDown")
    chosen = element.evaluate(chosen_js)
    assert chosen == text, f"ArrowDown reached {chosen!r}, not {text!r}"


def fill_by_keyboard(page: Any, values: dict[str, str | bool | date | datetime]) -> None:
    """For each label (in tab order), Tab to its control and type the value."""
    for label, value in values.items():
        target = page.get_by_label(label, exact=True)
        if target.count() == 0:
            raise AssertionError(f"no control labelled {label!r} on {page.url}")
        tab_to(page, target)
        enter_value(page, target, value)


def activate(page: Any, target: Any, key: str = "Enter", *, navigates: bool = True) -> None:
    """Tab to a link or button and press Enter (or Space), waiting for the page it opens."""
    tab_to(page, target)
    if not navigates:
        page.keyboard.press(key)
        return
    with page.expect_navigation():
        page.keyboard.press(key)


def submit_by_keyboard(page: Any, button: Any) -> Any:
    """Tab to a submit button and press Enter; returns the response of the page it leads to."""
    tab_to(page, button)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    return navigation.value


def log_in_by_keyboard(page: Any, server: LiveServer, email: str = ORGANISER_EMAIL) -> None:
    """From the home page: Tab to "Log in", Enter, type the credentials, Enter."""
    page.goto(server.url + "/")
    activate(page, page.get_by_role("link", name="Log in"))
    fill_by_keyboard(page, {"Email": email, "Password": PASSWORD})
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("button", name="Log out").count() == 1, page.inner_text("main")
