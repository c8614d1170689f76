"""render_reply, render_chips and footer on hand-made replies (AppTest)."""

import json

from streamlit.testing.v1 import AppTest

from app import render
from tests.app import fakes


def _draw(kind: str, compact: bool = False):
    def script(kind, compact):
        import streamlit as st

        from app import render
        from tests.app import fakes

        reply = getattr(fakes, f"{kind}_reply")()
        removed = render.render_chips(reply.intent, key="t1")
        if removed:
            st.session_state["removed"] = removed
        render.render_reply(reply, key="t1", compact=compact)
        render.render_reply(reply, key="t2", compact=True)  # a second tile on the same page
        render.footer(reply, None, True)

    return AppTest.from_function(script, args=(kind, compact), default_timeout=30).run()


def test_line_answer_has_chart_table_and_sql_tabs():
    at = _draw("line")
    assert not at.exception
    assert [t.label for t in at.tabs][:3] == ["Chart", "Table", "SQL"]
    spec = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert [d["name"] for d in spec["data"]] == ["Camden", "Islington"]
    assert at.code[0].value.split() == ["SELECT", "1"]
    assert "Looked at 12,345 records" in at.caption[-1].value and "synthetic data" in at.caption[-1].value


def test_number_answer_is_a_metric_with_change():
    at = _draw("number")
    assert not at.exception
    assert at.metric[0].value == "1,234" and "+12.2%" in at.metric[0].delta


def test_number_answer_shows_its_sql_and_csv_without_tabs():
    at = _draw("number")
    assert at.expander[0].label == "SQL behind this answer"
    assert at.code[0].value.split() == ["SELECT", "1"]
    assert at.get("download_button")[0].proto.label == "Download CSV"
    assert len(at.tabs) == 3  # only the compact tile (t2) keeps the Answer | Table | SQL tabs


def test_every_chart_answer_has_a_csv_download_under_the_tabs():
    for kind in ("line", "bar", "map"):
        at = _draw(kind)
        labels = [b.proto.label for b in at.get("download_button")]
        assert labels.count("Download CSV") == 2, kind  # the full answer and the compact tile


def test_md_escape_keeps_user_text_literal():
    text = render.md_escape("**O2** [x](http://evil) <b>")
    assert "**" not in text.replace("\\*", "") and "\\[x\\]" in text and "http:\\/\\/" in text


def test_map_answer_is_a_deck():
    at = _draw("map")
    assert not at.exception
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert any(layer["@@type"] == "ScatterplotLayer" for layer in spec["layers"])


def test_refusal_is_a_message_not_a_chart():
    at = _draw("refusal")
    assert not at.exception
    assert "not about people" in at.info[0].value
    assert not at.get("plotly_chart") and not at.tabs


def test_chip_click_returns_its_key():
    at = _draw("line")
    at.button(key="t1-chip-borough").click().run()
    assert at.session_state["removed"] == "borough"


def test_footer_text():
    reply = fakes.number_reply()
    reply.elapsed_ms = 1500
    from datetime import date

    text = render.footer_text(reply, date(2025, 12, 1), False)
    assert text == "Looked at 12,345 records · 1.50 s · data as of December 2025"


def test_answer_csv_neutralises_spreadsheet_formulas():
    def script():
        import pandas as pd
        import streamlit as st

        from app import render
        from tests.app import fakes

        real = st.download_button

        def spy(label, data=None, **kw):
            st.session_state.setdefault("csv", []).append(data)
            return real(label, data=data, **kw)

        st.download_button = spy
        try:
            frame = pd.DataFrame(
                {"location": ["=cmd|' /C calc'!A0", "@SUM(A1)", "On or near Strand"], "n": [-1, 2, 3]}
            )
            render.render_reply(fakes.FakeReply("q", fakes.FakeIntent(), frame, "bar"), key="hostile")
        finally:
            st.download_button = real

    at = AppTest.from_function(script, default_timeout=30).run()
    assert not at.exception
    text = at.session_state["csv"][0].decode()
    assert "'=cmd|' /C calc'!A0" in text and "'@SUM(A1)" in text
    assert "\n=" not in text and "\n@" not in text and ",-1\n" in text  # numbers stay numbers


def test_shares_read_as_percentages():
    from app import charts

    assert render._value_text(53.5, "share_pct") == "53.5%"
    assert charts.label("share_pct") == "Share"


def test_table_months_and_hours_read_as_people_write_them():
    import pandas as pd

    frame = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "crimes": [1200, 3]})
    shown = render.table_for_reading(frame)
    assert list(shown["month"]) == ["Jan 2024", "Feb 2024"]
    assert list(shown["crimes"]) == [1200, 3]  # numbers stay numbers (sortable); shown with separators
    hours = render.table_for_reading(pd.DataFrame({"hour": [0, 22], "crimes": [1, 2]}))
    assert list(hours["hour"]) == ["00:00", "22:00"]
    days = render.table_for_reading(pd.DataFrame({"day": pd.to_datetime(["2024-06-03"]), "crimes": [1]}))
    assert list(days["day"]) == ["Mon 3 Jun 2024"]


def test_chart_value_axes_have_thousands_separators():
    import pandas as pd

    from app import charts

    frame = pd.DataFrame({"month": pd.to_datetime(["2024-01-01", "2024-02-01"]), "crimes": [12000, 13000]})
    assert charts.line_figure(frame).layout.yaxis.tickformat == ","
    bars = charts.bar_figure(pd.DataFrame({"borough": ["A", "B"], "crimes": [12000, 3]}))
    assert bars.layout.xaxis.tickformat == ","
