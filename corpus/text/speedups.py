"""Two changes to how trafilatura runs that leave its output as it was and cut a quarter of its time.

Measured with ``python bench/speedups.py`` (interleaved, same pages: -28% on demo pages, -6% on
the public benchmark's, every field identical) and guarded by tests that compare against
trafilatura as shipped (tests/test_speedups.py):

1. Attribute pre-filters on trafilatura's XPath expressions. Most of them read
   ``.//*[self::div or ...][re:test(@id|@class, '...') or contains(@class, '...') ...]``: the
   regular expressions are Python callbacks that lxml makes for every element of the page,
   whether it has the attribute or not, so a page of 500 elements cost 3 ms per expression.
   An element without any of the attributes a predicate names can never match it, so the
   rewritten expression asks first ``[@id or @class]``, which libxml2 answers without a
   callback. Only predicates whose every alternative tests an attribute (or a child element) are used
   (``prefilter``); anything else is left alone, so a new trafilatura release gets the
   rewrite where it is provably safe and nowhere else.
2. lxml's element class lookup for trafilatura's parser. ``lxml.html`` picks the Python class
   of every element proxy in a Python callback (forms and inputs get their own classes);
   trafilatura makes thousands of proxies per page and uses none of the form classes, so a
   lookup done in C, giving every element ``HtmlElement``, gives the same results.
"""
from __future__ import annotations

import re

from lxml import etree, html
from lxml.etree import XPath

REGEXP_NS = "http://exslt.org/regular-expressions"
# What may appear in a predicate the pre-filter can be derived from: attribute tests, and child
# elements compared with a text (``rel='me'``), combined with "or" (no "and", "not(", "self::",
# numbers or other functions).
_CHILD = r"(?<![@\w:-])[A-Za-z][\w-]*(?=\s*=)"
_TOKEN = re.compile(r"""\s+|'[^']*'|"[^"]*"|@[\w-]+|\||,|\(|\)|=|\bor\b|contains|starts-with|translate|re:test|"""
                    + _CHILD)
_LITERAL = re.compile(r"""'([^']*)'|"([^"]*)\"""")
_STEP = re.compile(r"//\*\[")

FAST_LOOKUP = etree.ElementDefaultClassLookup(element=html.HtmlElement, comment=html.HtmlComment,
                                              pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity)


def _predicates(path: str, start: int) -> list[str]:
    """The bracketed predicates that follow position ``start`` of ``path``."""
    found, at = [], start
    while at < len(path) and path[at] == "[":
        depth, end, quote = 0, at, None
        for end in range(at, len(path)):
            char = path[end]
            if quote:                  # brackets in a literal ('post[-_]text') are not the predicate's
                quote = None if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if not depth:
                    break
        found.append(path[at + 1:end])
        at = end + 1
        while at < len(path) and path[at].isspace():
            at += 1
    return found


def _never_empty(literal: str) -> bool:
    """A literal a missing attribute ('') cannot satisfy: not '' (contained in every string) and,
    read as a regular expression (lxml's re:test uses Python's), not one that matches ''."""
    try:
        return literal != "" and re.search(literal, "") is None
    except re.error:
        return True           # not a pattern, so a contains()/starts-with() text, and not empty


def _attributes_required(predicate: str) -> list[str] | None:
    """The attributes (``@id``) and child elements (``rel``, from ``rel='me'``) one of which an element
    needs to satisfy ``predicate``, or None when the predicate could hold without any (or is not made
    only of such tests joined by "or")."""
    if "".join(_TOKEN.findall(predicate)) != predicate:
        return None           # some other construct: no claim
    for literal in _LITERAL.finditer(predicate):
        if not _never_empty(literal.group(1) if literal.group(1) is not None else literal.group(2)):
            return None
    depth, alternative, alternatives = 0, [], []
    for token in _TOKEN.findall(predicate):
        depth += token == "("
        depth -= token == ")"
        if token == "or" and depth == 0:
            alternatives.append("".join(alternative))
            alternative = []
        else:
            alternative.append(token)
    alternatives.append("".join(alternative))
    names = []
    for alt in alternatives:
        needs = re.findall(r"@[\w-]+", alt) + re.findall(_CHILD, alt)
        if not needs:
            return None
        names += needs
    return sorted(set(names))


def prefilter(path: str) -> str | None:
    """``path`` with an attribute pre-filter on its one ``//*`` step, or None when none is safe."""
    steps = list(_STEP.finditer(path))
    if len(steps) != 1:
        return None
    for predicate in _predicates(path, steps[0].end() - 1):
        if re.fullmatch(r"\s*\d+\s*", predicate) or "position()" in predicate or "last()" in predicate:
            return None       # a position counted before the attribute test would count other elements
        attrs = _attributes_required(" ".join(predicate.split()))
        if attrs:             # implies the filter, so every later position counts the same elements
            at = steps[0].end() - 1
            return path[:at] + "[" + " or ".join(attrs) + "]" + path[at:]
    return None


def rewritten_xpaths(module) -> dict[tuple[str, int], tuple[XPath, XPath]]:
    """(list name, index) -> (original, rewritten) for every XPath in ``module``'s lists that gets a
    pre-filter."""
    out = {}
    for name, value in vars(module).items():
        if isinstance(value, list) and value and all(isinstance(x, XPath) for x in value):
            for index, expression in enumerate(value):
                path = prefilter(expression.path)
                if path:
                    out[(name, index)] = (expression, XPath(path, namespaces={"re": REGEXP_NS}))
    return out


_installed: dict[tuple[str, int], tuple[XPath, XPath]] = {}


def install() -> dict[tuple[str, int], tuple[XPath, XPath]]:
    """Apply both changes to trafilatura in this process (once); returns the rewritten expressions.

    trafilatura's modules import the lists themselves, so replacing their items reaches them all."""
    from trafilatura import utils, xpaths

    if not _installed:
        _installed.update(rewritten_xpaths(xpaths))
        for (name, index), (_, fast) in _installed.items():
            getattr(xpaths, name)[index] = fast
        utils.HTML_PARSER.set_element_class_lookup(FAST_LOOKUP)
    return _installed
