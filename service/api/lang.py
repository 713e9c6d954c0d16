"""The language of a request's words (reports and problem details): the `lang` query parameter,
else the first of pl/en in Accept-Language, else Polish (the schools' language).

One function for the routes and the error handlers alike, so a refused request answers in the
language its caller asked for even when the refusal comes before the route runs.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query, Request

from ..words import LANGS

Lang = Literal["pl", "en"]
DEFAULT_LANG: Lang = "pl"


def request_lang(request: Request) -> Lang:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked  # type: ignore[return-value]
    return accepted_lang(request.headers.get("accept-language", ""))


def accepted_lang(header: str) -> Lang:
    """The pl/en language the header weighs most (RFC 9110 q-values; `pl-PL` counts as `pl`)."""
    best, best_q = DEFAULT_LANG, 0.0
    for item in header.split(","):
        tag, _, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if primary in LANGS and q > best_q:  # ties: the earlier one, as listed
            best, best_q = primary, q  # type: ignore[assignment]
    return best


def lang_param(
    request: Request,
    lang: Annotated[
        Lang | None, Query(description="Language of the messages and problem details (default: Accept-Language, else `pl`)")
    ] = None,
) -> Lang:
    return lang or accepted_lang(request.headers.get("accept-language", ""))


LangDep = Annotated[Lang, Depends(lang_param)]
