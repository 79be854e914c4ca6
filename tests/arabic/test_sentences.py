from mtreview import paths
from mtreview.arabic.sentences import split_article, split_paragraph


def test_splits_on_arabic_and_latin_terminators():
    assert split_paragraph("جملة أولى. هل هذه ثانية؟ نعم! وهذه ثالثة?") == [
        "جملة أولى.", "هل هذه ثانية؟", "نعم!", "وهذه ثالثة?"]


def test_decimal_and_initials_do_not_split():
    assert split_paragraph("ارتفع بنسبة 3.5 في المئة. ثم انخفض.") == [
        "ارتفع بنسبة 3.5 في المئة.", "ثم انخفض."]
    assert split_paragraph("The U.S. army left. Then it rained.") == [
        "The U.S. army left.", "Then it rained."]


def test_closing_quote_stays_with_its_sentence():
    assert split_paragraph("قال “انتهى الأمر.” ثم غادر.") == ["قال “انتهى الأمر.”", "ثم غادر."]


def test_quotation_closed_later_is_not_split():
    text = "وقال “من المنصف. لكن ذلك سيكون واضحا”. ثم صمت."
    assert split_paragraph(text) == ["وقال “من المنصف. لكن ذلك سيكون واضحا”.", "ثم صمت."]


def test_unclosed_quote_is_ignored():
    assert split_paragraph("“استسلم 1000 رجل. وقال المسؤول ان “الارهابيين ليسوا”.") == [
        "“استسلم 1000 رجل.", "وقال المسؤول ان “الارهابيين ليسوا”."]


def test_line_breaks_end_sentences_and_number_paragraphs():
    got = split_article("عنوان بلا نقطة\n\nجملة. وأخرى.\nسطر ثالث")
    assert [(s.para_id, s.text) for s in got] == [
        (1, "عنوان بلا نقطة"), (2, "جملة."), (2, "وأخرى."), (3, "سطر ثالث")]


def test_sample_article_keeps_order_and_name_variants():
    sents = split_article(paths.SAMPLE_SOURCE.read_text(encoding="utf-8"))
    assert len(sents) == 17
    # the repeated title stays, twice, in order
    assert sents[0].text == sents[1].text
    joined = "\n".join(s.text for s in sents)
    assert "الهاشمي" in joined and "هاشيمي" in joined
    # every sentence of the reference has its source sentence
    ref = paths.SAMPLE_REFERENCE.read_text(encoding="utf-8").splitlines()
    assert len(ref) == len(sents)
    # the text is preserved: only whitespace between sentences is dropped
    original = "".join(paths.SAMPLE_SOURCE.read_text(encoding="utf-8").split())
    assert "".join("".join(s.text.split()) for s in sents) == original
