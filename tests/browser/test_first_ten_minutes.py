"""What a newcomer sees in Chromium: the first index, error pages, Problems, names, charts,
search, and the player's small things. Layout is checked by geometry, not by pixels."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

import app.index
from tests.browser.server import serve
from tests.builders import chat_request, chat_response, govcr, simple_chat
from tests.web.samples import write_tree

pytestmark = pytest.mark.browser

LONG_MODELS = ("moonshotai/kimi-k2-instruct-0905", "moonshotai/kimi-k2-instruct-0711")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The sample tree, plus a cassette no price covers and two models alike but for the end."""
    tmp = tmp_path_factory.mktemp("ten")
    root = tmp / "cassettes"
    write_tree(root)
    # Two calls: the cassette page leaves out charts of a single bar, so this one has a chart.
    model = "acme-model-9000"
    calls = [
        (
            chat_request([{"role": "user", "content": "Hi?"}], model),
            chat_response("Hello.", model=model),
        )
    ]
    calls *= 2
    (root / "unpriced.yaml").write_text(govcr(calls))
    for n, model in enumerate(LONG_MODELS):
        (root / f"kimi-{n}.yaml").write_text(simple_chat("Weather?", "Sunny.", model))
    with serve(root, tmp / "index.sqlite3") as url:
        yield url


# -- 3. the first index --------------------------------------------------------------------


@pytest.fixture
def indexing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Any]]:
    """A server whose first refresh reads two files, then waits for the test to release it."""
    root = tmp_path / "cassettes"
    write_tree(root)
    release = threading.Event()
    started = threading.Event()
    real = app.index.extract_file
    seen = 0

    def slow(*args: Any) -> Any:
        nonlocal seen
        if threading.current_thread().name == "tapedeck-index":
            seen += 1
            if seen > 2:
                started.set()
                assert release.wait(60)
        return real(*args)

    monkeypatch.setattr(app.index, "extract_file", slow)
    with serve(root, tmp_path / "index.sqlite3", ready=False) as url:
        assert started.wait(30), "the first refresh did not start"
        yield url, release
        release.set()


def test_home_says_it_is_indexing_then_shows_the_list_by_itself(
    page: Page, indexing: tuple[str, Any]
) -> None:
    url, release = indexing
    page.goto(url + "/")
    poll = page.locator("#results #indexing-poll")
    expect(poll).to_contain_text(re.compile(r"Indexing 2 / 6 files…"))
    expect(page.locator("#results")).not_to_contain_text("No cassettes match")
    # A share link opened now reads its file ahead instead of a 404.
    other = page.context.new_page()
    other.goto(url + "/cassettes/streams/story.yaml")
    expect(other.locator("h1")).to_have_text("story.yaml")
    other.close()
    release.set()
    # The page reloads itself when the index is done: the rows and the facets appear.
    expect(page.locator("#results tr[data-nav-item]")).to_have_count(6, timeout=15_000)
    expect(poll).to_have_count(0)
    expect(page.locator("select[name=tool] option[value=get_weather]")).to_have_count(1)


# -- 4. error pages ------------------------------------------------------------------------


def test_a_renamed_cassette_gets_a_page_with_a_way_on(browser: Browser, site: str) -> None:
    # Not the `page` fixture: Chromium logs each 404 answer as a console error, as it should.
    page = browser.new_page()
    response = page.goto(site + "/cassettes/agents/wether.yaml")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator("nav.mainnav")).to_be_visible()  # in the layout, not raw JSON
    page.locator("ul.suggestions a", has_text="agents/weather.yaml").first.click()
    expect(page.locator("h1")).to_have_text("weather.yaml")
    page.goto(site + "/diff?old=agents/weather.yaml&new=streams/stroy.yaml")
    expect(page.locator("ul.suggestions a").first).to_have_text("streams/story.yaml")
    page.locator("main input[name=q]").fill("sunglasses")
    page.locator("main input[name=q]").press("Enter")
    expect(page).to_have_url(re.compile(r"/search\?q=sunglasses$"))
    page.close()


# -- 5. problems ---------------------------------------------------------------------------


def test_problems_page_has_three_sections_linked_from_home(page: Page, site: str) -> None:
    page.goto(site + "/")
    page.locator("nav.mainnav a", has_text="Problems").click()
    expect(page).to_have_url(site + "/problems")
    for section in ("Failed calls", "Unreadable files", "Warnings"):
        expect(page.locator("main h2", has_text=section)).to_be_visible()
    failed = page.locator("#failed tbody tr")
    expect(failed).to_have_count(1)
    expect(failed.first).to_contain_text("429")
    failed.first.locator("a").click()
    expect(page).to_have_url(re.compile(r"/cassettes/errors/rate_limited\.yaml/interactions/0\?v="))
    page.goto(site + "/errors")
    expect(page).to_have_url(site + "/problems")


# -- 6. names ------------------------------------------------------------------------------


def test_long_names_are_shown_whole_and_tell_rows_apart(page: Page, site: str) -> None:
    page.goto(site + "/")
    tags = page.locator("#results td.apis .tag")
    clipped = tags.evaluate_all(
        "els => els.filter(e => e.scrollWidth > e.clientWidth + 1 || e.title !== e.textContent)"
        ".map(e => e.textContent)"
    )
    assert clipped == []
    shown = set(tags.all_inner_texts())
    assert set(LONG_MODELS) <= shown
    # Each tag stays inside its cell.
    outside = tags.evaluate_all(
        "els => els.filter(e => { const t = e.getBoundingClientRect(),"
        " c = e.closest('td').getBoundingClientRect();"
        " return t.left < c.left - 0.5 || t.right > c.right + 0.5; }).map(e => e.textContent)"
    )
    assert outside == []


def chart_geometry(page: Page) -> list[dict[str, Any]]:
    """Per chart: each bar's label box and bars' boxes, in page pixels."""
    result: list[dict[str, Any]] = page.evaluate(
        """() => Array.from(document.querySelectorAll('svg.chart')).map(svg => ({
          id: svg.id,
          plotX: svg.querySelector('.grid line').getBoundingClientRect().left,
          svg: svg.getBoundingClientRect().toJSON(),
          rows: Array.from(svg.querySelectorAll('.bar')).map(bar => ({
            text: bar.querySelector('.label').textContent,
            label: bar.querySelector('.label').getBoundingClientRect().toJSON(),
            bars: Array.from(bar.querySelectorAll('rect.seg'))
              .map(r => r.getBoundingClientRect().toJSON()),
          })),
        }))"""
    )
    return result


def assert_bars_beside_their_labels(charts: list[dict[str, Any]]) -> None:
    assert charts
    for chart in charts:
        centres = [(r["label"]["top"] + r["label"]["bottom"]) / 2 for r in chart["rows"]]
        for n, row in enumerate(chart["rows"]):
            label = row["label"]
            assert label["left"] >= chart["svg"]["left"] - 0.5, (chart["id"], row["text"])
            assert label["right"] <= chart["plotX"] + 0.5, (chart["id"], row["text"])
            for bar in row["bars"]:
                middle = (bar["top"] + bar["bottom"]) / 2
                nearest = min(range(len(centres)), key=lambda k: abs(centres[k] - middle))
                assert nearest == n, (chart["id"], row["text"], "bar reads as another row's")
                assert bar["top"] <= centres[n] + 8, (chart["id"], row["text"])
                assert bar["bottom"] >= centres[n] - 8, (chart["id"], row["text"])


def test_chart_labels_keep_the_interaction_number(page: Page, site: str) -> None:
    page.goto(site + "/cassettes/agents/weather.yaml")
    charts = chart_geometry(page)
    assert_bars_beside_their_labels(charts)
    tokens = next(c for c in charts if c["id"] == "c-tokens")
    assert [r["text"].split()[0] for r in tokens["rows"]] == ["#0", "#1"]


# -- 7. charts -----------------------------------------------------------------------------


def test_every_usage_chart_keeps_bars_in_their_rows_and_cards_hold_their_text(
    page: Page, site: str
) -> None:
    page.goto(site + "/usage")
    assert_bars_beside_their_labels(chart_geometry(page))
    overflow = page.locator(".usage-totals > div").evaluate_all(
        "cards => cards.flatMap(card => { const box = card.getBoundingClientRect();"
        " return Array.from(card.querySelectorAll('dt, dd, dd *')).filter(e => {"
        " const r = e.getBoundingClientRect(); return r.width && (r.right > box.right + 0.5"
        " || r.bottom > box.bottom + 0.5 || r.left < box.left - 0.5); })"
        ".map(e => e.textContent); })"
    )
    assert overflow == []
    expect(page.locator(".usage-totals")).to_contain_text("no price")


def test_an_unpriced_cassette_says_no_price_instead_of_an_empty_axis(page: Page, site: str) -> None:
    page.goto(site + "/cassettes/unpriced.yaml")
    expect(page.locator("svg#c-tokens")).to_be_visible()
    expect(page.locator("svg#c-cost")).to_have_count(0)
    expect(page.locator("[data-no-price]")).to_contain_text("no price")
    for url in ("/cassettes/agents/weather.yaml", "/cassettes/unpriced.yaml"):  # 2 calls each
        page.goto(site + url)
        assert_bars_beside_their_labels(chart_geometry(page))


# -- 8. search -----------------------------------------------------------------------------


def test_search_marks_inside_names_narrows_by_facet_and_groups(page: Page, site: str) -> None:
    page.goto(site + "/search")
    expect(page.locator(".search-hints")).to_contain_text("phrase in quotes")
    expect(page.locator("input[type=search]")).to_have_count(1)
    page.locator("#search-q").press_sequentially("weather", delay=20)
    expect(page).to_have_url(re.compile(r"/search\?q=weather$"))
    hits = page.locator("#hits li.hit")
    expect(hits.filter(has_text="get_weather").first).to_be_visible()
    expect(page.locator("#hits mark", has_text=re.compile(r"^weather$")).first).to_be_visible()
    expect(page.locator("#hits .data-links a", has_text="CSV")).to_be_visible()
    page.locator(".search-facets a", has=page.locator(".v", has_text=re.compile(r"^tool$"))).click()
    expect(page).to_have_url(re.compile(r"role=tool"))
    expect(hits).to_have_count(1)
    expect(hits.first.locator(".role-tag")).to_have_text("tool")
    page.locator("a.group-toggle").click()
    expect(page).to_have_url(re.compile(r"group=cassette"))
    expect(page.locator("#hits .result-count")).to_contain_text("cassette with a match")


def test_every_list_page_shows_json_and_csv(page: Page, site: str) -> None:
    for url in ("/", "/search?q=weather", "/usage", "/problems"):
        page.goto(site + url)
        links = page.locator(".data-links a")
        expect(links.filter(has_text="JSON").first).to_be_visible()
        expect(links.filter(has_text="CSV").first).to_be_visible()


# -- 9. the player and small things --------------------------------------------------------

STREAM = "/cassettes/streams/story.yaml/interactions/0"


def test_player_counts_from_one_and_space_does_not_scroll(page: Page, site: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 600})
    page.goto(site + STREAM)
    player = page.locator("[data-player][data-ready=true]")
    expect(player).to_have_count(1)
    player.scroll_into_view_if_needed()
    page.evaluate(
        "() => { window.spaceDefault = null; window.addEventListener('keydown',"
        " ev => { if (ev.key === ' ') window.spaceDefault = ev.defaultPrevented; }); }"
    )
    player.scroll_into_view_if_needed()
    page.evaluate("document.activeElement && document.activeElement.blur()")  # focus: the page
    page.keyboard.press(" ")
    expect(page.locator("[data-act=play]")).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.spaceDefault") is True  # the page was not scrolled by it
    page.keyboard.press(" ")
    expect(page.locator("[data-act=play]")).to_have_attribute("aria-pressed", "false")
    # In a field, space is a space.
    page.locator("#nav-q").focus()
    page.keyboard.press(" ")
    expect(page.locator("#nav-q")).to_have_value(" ")
    expect(page.locator("[data-act=play]")).to_have_attribute("aria-pressed", "false")
    page.locator("[data-act=end]").click()
    total = int(page.locator("[data-scrubber]").get_attribute("max") or 0)
    expect(page.locator("[data-position]")).to_have_text(
        re.compile(rf"^chunk {total} of {total}\b")
    )
    delta = page.locator(".pl-delta").inner_text()
    assert "@" not in delta
    # The timeline tooltip stays clear of the legend.
    strip = page.locator("[data-strip]")
    strip.hover(position={"x": 40, "y": 10})
    tip = page.locator("[data-tip]")
    expect(tip).to_be_visible()
    t, legend = tip.bounding_box(), page.locator("[data-legend]").bounding_box()
    assert t is not None
    assert legend is not None
    assert t["y"] + t["height"] <= legend["y"] or t["y"] >= legend["y"] + legend["height"]
    # The help lists the player's keys.
    page.keyboard.press("?")
    expect(page.locator("#help [data-player-keys]")).to_be_visible()
    expect(page.locator("#help")).to_contain_text("Play / pause")


def test_clear_works_after_filtering_live(page: Page, site: str) -> None:
    page.goto(site + "/")
    rows = page.locator("#results tr[data-nav-item]")
    total = rows.count()
    page.locator("#q").press_sequentially("sunglasses", delay=20)
    expect(rows).to_have_count(1)
    page.locator("select[name=api]").select_option("openai.chat")
    expect(page).to_have_url(re.compile(r"api=openai.chat"))
    page.locator("a[data-clear]").click()
    expect(page).to_have_url(site + "/")
    expect(rows).to_have_count(total)
    expect(page.locator("#q")).to_have_value("")
