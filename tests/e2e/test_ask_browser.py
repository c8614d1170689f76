"""The Ask and About pages in real headless Chromium: type, press Enter, see the chart or map."""

import pytest

pytestmark = pytest.mark.browser

CHART = ".js-plotly-plot"
MAP = "[data-testid=stDeckGlJsonChart] canvas"


def test_compare_question_by_enter_shows_lines_and_share_url(ui):
    ui.open()
    ui.sign_in()
    ui.shot("ask-start", height=1000)
    ui.ask("compare burglary in Camden and Islington by month")
    ui.page.wait_for_selector(CHART)
    assert "Camden" in ui.page.locator(CHART).first.inner_text()
    assert "q=compare+burglary" in ui.page.url
    ui.shot("ask-compare-line")
    ui.ask("what about Hackney?", placeholder="Follow up")
    ui.page.get_by_role("button", name="Hackney").first.wait_for()
    ui.shot("ask-follow-up")


def test_near_venue_by_hour_chart(ui):
    ui.open()
    ui.sign_in()
    ui.ask("robberies near Oxford Circus by hour last month")
    ui.page.wait_for_selector(CHART)
    ui.page.get_by_text("Hour of day").first.wait_for()
    ui.page.get_by_role("tab", name="SQL").click()
    assert "haversine_m" in ui.page.locator("[data-testid=stCode]").first.inner_text().lower()
    ui.shot("ask-near-hour-sql")


@pytest.mark.parametrize(
    "question,name",
    [
        ("map of bicycle theft in Hackney in 2025", "ask-map-hackney"),
        ("map of crime near Oxford Circus last month", "ask-map-near"),
    ],
)
def test_map_questions_draw_a_map(ui, question, name):
    ui.open()
    ui.sign_in()
    ui.ask(question)
    ui.page.wait_for_selector(MAP)
    ui.page.wait_for_timeout(2500)  # software WebGL draws the layers a moment after the canvas appears
    ui.shot(name)


def test_share_link_reproduces_the_answer(ui):
    ui.open("/?q=how+many+burglaries+in+Westminster+last+month")
    ui.sign_in()
    ui.page.wait_for_selector("[data-testid=stMetric]")
    ui.shot("ask-share-number", height=1100)


def test_bad_input_gives_messages_and_the_page_keeps_working(ui):
    ui.open("/?i=garbage")
    ui.sign_in()
    ui.page.get_by_text("share link is broken").first.wait_for()
    ui.ask("")
    ui.page.get_by_text("Type a question first").first.wait_for()
    ui.ask("SELECT * FROM crimes")
    ui.page.get_by_text("can't run SQL").first.wait_for()
    ui.shot("ask-refusal", height=1000)
    ui.ask("x" * 600)
    ui.page.get_by_text("characters long").first.wait_for()
    ui.ask("burglary in Camden by month")
    ui.page.wait_for_selector(CHART)


def test_about_page(ui):
    ui.open("/about")
    ui.sign_in()
    ui.page.get_by_role("heading", name="About the data").wait_for()
    ui.page.get_by_text("These records are synthetic").first.wait_for()
    ui.shot("about", height=1100)


def test_unknown_word_is_a_red_chip_and_answer_without_it_works(ui):
    ui.open()
    ui.sign_in()
    ui.ask("theft during the regatta last month")
    ui.page.get_by_text("not understood: regatta").first.wait_for()
    assert ui.page.locator("[data-testid=stMetric]").count() == 0  # no number on a partial reading
    ui.shot("ask-unknown-word-red-chip", height=1000)
    ui.shot("ask-unknown-word-phone", height=844, width=390)
    ui.page.get_by_role("button", name="Answer without").click()
    ui.wait()
    ui.page.wait_for_selector("[data-testid=stMetric]")
    ui.shot("ask-unknown-word-answered-without", height=1000)
