"""Tests for alignlessons.quiz: validation, checking, static rendering, widgets and display."""

from __future__ import annotations

import html
import math
from html.parser import HTMLParser

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.display import display
from IPython.utils.capture import capture_output

from alignlessons import quiz

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# Options and feedback full of characters that must be escaped in HTML.
OPTIONS = {
    'x < y & "z"': "No: <b> is not bold & 'quotes' stay.",
    "Tom's <script>alert(1)</script>": 'Right: "escape" everything & more.',
    "a > b": "No: a is smaller than b.",
}
QUESTION = "Which holds when 1 < 2 & 'x' != \"y\"?"
RIGHT = "Tom's <script>alert(1)</script>"


def make_mc(answer=RIGHT):
    return quiz.multiple_choice(QUESTION, OPTIONS, answer=answer)


# --- a tiny HTML tree recorder --------------------------------------------------------------
class _Tree(HTMLParser):
    """Records, for every run of text, the stack of open tags it sits in (entities decoded)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []
        self.items: list[tuple[tuple[str, ...], list[str]]] = []  # (<li> ancestors, text parts)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.stack.append(tag)
        if tag == "li":
            self.items.append((tuple(self.stack[:-1]), []))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> in {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        self.texts.append((tuple(self.stack), data))
        if "li" in self.stack:
            # attach to the innermost open <li>
            depth = len(self.stack) - 1 - self.stack[::-1].index("li")
            for ancestors, parts in reversed(self.items):
                if len(ancestors) == depth:
                    parts.append(data)
                    break


def parse(markup: str) -> _Tree:
    tree = _Tree()
    tree.feed(markup)
    tree.close()
    assert tree.stack == [], f"unclosed tags: {tree.stack}"
    return tree


# --- multiple choice: validation ------------------------------------------------------------
@pytest.mark.parametrize(
    "options", [{}, {"only one": "feedback"}, ["a", "b"], None, {f"option {i}": "fb" for i in range(27)}]
)
def test_multiple_choice_rejects_bad_option_sets(options):
    with pytest.raises(ValueError):
        quiz.multiple_choice("Q?", options, answer=0)


@pytest.mark.parametrize("feedback", ["", "   ", None, 3])
def test_multiple_choice_requires_feedback_for_every_option(feedback):
    with pytest.raises(ValueError, match="feedback"):
        quiz.multiple_choice("Q?", {"a": "fine", "b": feedback}, answer="a")


@pytest.mark.parametrize("question", ["", "  \n ", None])
def test_multiple_choice_requires_a_question(question):
    with pytest.raises(ValueError, match="question"):
        quiz.multiple_choice(question, {"a": "x", "b": "y"}, answer="a")


def test_multiple_choice_rejects_empty_option_text():
    with pytest.raises(ValueError):
        quiz.multiple_choice("Q?", {"": "x", "b": "y"}, answer="b")


@pytest.mark.parametrize("answer", ["c", "not an option", "", 2, 3, -1, True, 1.0, None])
def test_multiple_choice_rejects_answer_not_among_options(answer):
    with pytest.raises(ValueError, match="answer"):
        quiz.multiple_choice("Q?", {"a": "x", "b": "y"}, answer=answer)


def test_multiple_choice_answer_by_text_or_index():
    by_text = make_mc(RIGHT)
    by_index = make_mc(list(OPTIONS).index(RIGHT))
    assert by_text.answer == by_index.answer == 1
    assert by_text.options == tuple(OPTIONS)
    assert by_text.feedback == tuple(OPTIONS.values())


def test_answer_text_that_is_a_single_letter_means_that_option_not_that_letter():
    # The option texts are letters in a different order from the A, B, C labels: an answer
    # given as option text must pick that option, not the option labelled with that letter.
    q = quiz.multiple_choice("Which grade?", {"B": "Yes.", "A": "No.", "C": "No."}, answer="B")
    assert q.options[q.answer] == "B"
    assert q.check(0) == (True, "Yes.")


# --- multiple choice: check() ---------------------------------------------------------------
@pytest.mark.parametrize("choice", ["B", "b", " b ", 1, RIGHT, RIGHT.upper(), f"  {RIGHT.lower()}  "])
def test_check_accepts_letter_index_and_text(choice):
    ok, note = make_mc().check(choice)
    assert ok is True
    assert note == OPTIONS[RIGHT]


@pytest.mark.parametrize(
    "choice,option", [("A", 'x < y & "z"'), (0, 'x < y & "z"'), ("c", "a > b"), ("A > B", "a > b"), (2, "a > b")]
)
def test_check_wrong_choices_give_their_own_feedback(choice, option):
    ok, note = make_mc().check(choice)
    assert ok is False
    assert note == OPTIONS[option]


@pytest.mark.parametrize("choice", ["D", "z", 3, -1, True, False, 1.0, "", "no such option", None])
def test_check_rejects_unknown_choices(choice):
    with pytest.raises(ValueError, match="choice"):
        make_mc().check(choice)


# --- multiple choice: static rendering ------------------------------------------------------
def test_static_html_escapes_question_options_and_feedback():
    q = make_mc()
    markup = q.static_html()
    # No raw, injected markup survives: the only tags are the card's own.
    tree = parse(markup)
    assert set(tree.tags) <= {"div", "p", "strong", "ol", "li", "details", "summary", "ul"}
    assert "<script>" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup
    # Question (decoded text) appears in full.
    assert QUESTION in "".join(text for _, text in tree.texts)


def test_static_html_lists_every_option_in_order():
    tree = parse(make_mc().static_html())
    options = ["".join(parts) for ancestors, parts in tree.items if ancestors[-1] == "ol"]
    assert options == list(OPTIONS)
    for ancestors, _ in tree.items:
        if ancestors[-1] == "ol":
            assert "details" not in ancestors  # the options are visible, not folded away


def test_static_html_folds_feedback_for_every_option_inside_details():
    q = make_mc()
    tree = parse(q.static_html())
    notes = ["".join(parts) for ancestors, parts in tree.items if "details" in ancestors]
    assert len(notes) == len(OPTIONS)
    for i, (note, feedback) in enumerate(zip(notes, OPTIONS.values())):
        letter = "ABC"[i]
        assert note.startswith(letter)
        assert feedback in note
    right = list(OPTIONS).index(RIGHT)
    assert "correct" in notes[right]
    assert all("correct" not in n for i, n in enumerate(notes) if i != right)
    # The feedback never appears outside the <details> element.
    for stack, text in tree.texts:
        for feedback in OPTIONS.values():
            if feedback in text:
                assert "details" in stack


def test_static_text_has_question_and_lettered_options():
    lines = make_mc().static_text().splitlines()
    assert QUESTION in lines[0]
    assert [line.strip() for line in lines[1:]] == [f"{letter}. {o}" for letter, o in zip("ABC", OPTIONS)]


# --- multiple choice: widget ----------------------------------------------------------------
def test_widget_correct_choice():
    box = make_mc().widget()
    box._choice.value = "B"
    box._check()
    feedback = box._feedback.value
    assert "Correct" in feedback and "Not quite" not in feedback
    assert html.escape(OPTIONS[RIGHT], quote=True) in feedback
    assert "<script>" not in feedback


def test_widget_wrong_choice():
    box = make_mc().widget()
    box._choice.value = "A"
    box._check()
    feedback = box._feedback.value
    assert "Not quite" in feedback and "Correct" not in feedback
    assert "&lt;b&gt; is not bold" in feedback


def test_widget_without_a_choice_asks_for_one_and_clears_on_change():
    box = make_mc().widget()
    box._check()
    assert "Pick a letter" in box._feedback.value
    box._choice.value = "C"
    assert box._feedback.value == ""  # a new choice clears stale feedback
    box._check()
    assert "Not quite" in box._feedback.value
    box._choice.value = "B"
    assert box._feedback.value == ""


def test_widget_offers_one_button_per_option():
    box = make_mc().widget()
    assert list(box._choice.options) == ["A", "B", "C"]
    assert list(box._choice.tooltips) == list(OPTIONS)


# --- numeric ---------------------------------------------------------------------------------
def make_numeric(**kw):
    args = dict(answer=10, tolerance=0.25, explanation="Ten & a <bit>.", unit="months")
    args.update(kw)
    return quiz.numeric("How many months < a year?", **args)


@pytest.mark.parametrize("value", [10, 10.0, 10.25, 9.75, 10.125])
def test_numeric_accepts_values_within_tolerance_inclusive(value):
    ok, note = make_numeric().check(value)
    assert ok is True
    assert note == "Ten & a <bit>."


@pytest.mark.parametrize("value", [9.7499, 9.0, -100])
def test_numeric_too_low(value):
    ok, note = make_numeric().check(value)
    assert ok is False
    assert note.startswith("Too low") and "Ten & a <bit>." in note


@pytest.mark.parametrize("value", [10.2501, 11, 1e9])
def test_numeric_too_high(value):
    ok, note = make_numeric().check(value)
    assert ok is False
    assert note.startswith("Too high") and "Ten & a <bit>." in note


def test_numeric_custom_too_low_and_too_high_messages():
    q = make_numeric(too_low="Count again: more.", too_high="Count again: fewer.")
    assert q.check(1) == (False, "Count again: more.")
    assert q.check(20) == (False, "Count again: fewer.")
    assert q.check(10.1) == (True, "Ten & a <bit>.")


def test_numeric_zero_tolerance_needs_the_exact_answer():
    q = make_numeric(tolerance=0)
    assert q.check(10)[0] is True
    assert q.check(math.nextafter(10, 11))[0] is False
    assert q.check(math.nextafter(10, 9))[0] is False


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, True, False, "10", None, [10]])
def test_numeric_check_rejects_non_finite_and_non_numbers(value):
    with pytest.raises(ValueError, match="finite number"):
        make_numeric().check(value)


@pytest.mark.parametrize(
    "kw",
    [
        dict(answer=math.nan),
        dict(answer=math.inf),
        dict(answer=True),
        dict(answer="10"),
        dict(tolerance=math.nan),
        dict(tolerance=math.inf),
        dict(tolerance=False),
        dict(tolerance=-0.001),
        dict(tolerance=-1),
        dict(explanation=""),
        dict(explanation="  "),
    ],
)
def test_numeric_rejects_bad_definitions(kw):
    with pytest.raises(ValueError):
        make_numeric(**kw)


def test_numeric_rejects_empty_question():
    with pytest.raises(ValueError, match="question"):
        quiz.numeric(" ", answer=1, tolerance=0, explanation="x")


def test_numeric_static_html_and_text():
    q = make_numeric()
    markup = q.static_html()
    tree = parse(markup)
    assert "<bit>" not in markup
    texts = "".join(t for _, t in tree.texts)
    assert "How many months < a year?" in texts and "months" in texts
    folded = "".join(t for stack, t in tree.texts if "details" in stack and "summary" not in stack)
    assert "10" in folded and "0.25" in folded and "Ten & a <bit>." in folded
    # The answer is only inside <details>.
    assert not any("Ten & a" in t for stack, t in tree.texts if "details" not in stack)
    text = q.static_text()
    assert "How many months < a year?" in text and "months" in text
    assert "10" not in text  # the plain-text stand-in does not give the answer away


def test_numeric_widget_feedback():
    box = make_numeric().widget()
    box._check()
    assert "Type a number" in box._feedback.value, "an empty box is not graded as 0"
    box._field.value = "ten"
    box._check()
    assert "Type a number" in box._feedback.value
    box._field.value = " 10.2 "
    box._check()
    assert "Correct" in box._feedback.value
    assert "Ten &amp; a &lt;bit&gt;." in box._feedback.value
    box._field.value = "3"
    box._check()
    assert "Not quite" in box._feedback.value and "Too low" in box._feedback.value
    box._field.value = "30"
    box._check()
    assert "Not quite" in box._feedback.value and "Too high" in box._feedback.value


# --- display: a static card plus a widget ------------------------------------------------------
@pytest.mark.parametrize("factory", [make_mc, make_numeric], ids=["multiple_choice", "numeric"])
def test_display_gives_static_card_then_widget(factory):
    InteractiveShell.instance()  # display() needs a shell; no kernel is started
    q = factory()
    with capture_output() as captured:
        display(q)
    outputs = captured.outputs
    assert len(outputs) == 2
    card, view = outputs[0].data, outputs[1].data
    assert set(card) == {"text/html", "text/plain"}
    assert card["text/html"] == q.static_html()
    assert card["text/plain"] == q.static_text()
    assert WIDGET_MIME in view and "text/html" not in view
    assert view[WIDGET_MIME]["model_id"]
