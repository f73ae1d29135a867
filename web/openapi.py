"""The OpenAPI 3.1 description of /api/ (hand-written: the API is small and stable)."""

from __future__ import annotations

from typing import Any

from plankb.kb.settings import Settings


def _q(name: str, desc: str, schema: dict[str, Any] | None = None, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "description": desc, "schema": schema or {"type": "string"}}


ERROR = {"description": "Bad input, unknown id, upload too large, or knowledge base not built",
         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
ERRORS = {"400": ERROR, "404": ERROR, "413": ERROR, "503": ERROR}


def _ok(desc: str, schema: dict[str, Any] | None = None, media: str = "application/json") -> dict[str, Any]:
    return {"200": {"description": desc, "content": {media: {"schema": schema or {"type": "object"}}}}, **ERRORS}


def spec(settings: Settings) -> dict[str, Any]:
    q = _q("q", "Question or keywords (at most 500 characters).", required=True)
    filters = [
        _q("document", "Only this document id (see /api/documents)."),
        _q("jurisdiction", "Only documents of this jurisdiction, e.g. 北京市, 平谷区."),
        _q("level", "Administrative level.", {"type": "string", "enum": ["national", "municipal", "district", "street"]}),
        _q("kind", "Clause kind.", {"type": "string", "enum": ["heading", "paragraph", "item", "table_row"]}),
        _q("category", "Incident category, e.g. 事故灾难类."),
        _q("year", "Four-digit year in the document date or clause text.", {"type": "string", "pattern": "^(19|20)[0-9]{2}$"}),
    ]
    quiz_params = [
        _q("n", "Number of questions.", {"type": "integer", "minimum": 1, "maximum": settings.max_quiz, "default": 10}),
        _q("topics", "Topics, comma-separated (see quiz.TOPICS)."),
        _q("types", "Question types, comma-separated, e.g. mcq,tf,cloze."),
        _q("doc_ids", "Document ids, comma-separated."),
        _q("jurisdiction", "Only clauses of this jurisdiction."),
        _q("seed", "Seed; the same options and seed give the same quiz.", {"type": "integer", "default": 7}),
        _q("format", "json-api (default: questions as JSON) or an export format: gift, moodle-xml, aiken, csv, xlsx, anki, json, html."),
    ]

    def post_of(get: dict[str, Any]) -> dict[str, Any]:
        """The POST twin of a GET operation: the same parameters as a JSON object."""
        props = {p["name"]: p["schema"] for p in get["parameters"]}
        required = [p["name"] for p in get["parameters"] if p.get("required")]
        return {**get, "parameters": [], "requestBody": {"required": True, "content": {"application/json": {
            "schema": {"type": "object", "properties": props, "required": required}}}}}

    paths = _paths(settings, q, filters, quiz_params)
    for path in ("/api/search", "/api/who-leads", "/api/ask", "/api/quiz"):
        paths[path]["post"] = post_of(paths[path]["get"])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "plankb API",
            "version": "0.1.0",
            "description": "Search, who-leads and short answers over emergency plans (应急预案); documents and clauses; "
            "checking a draft against the master plan; quiz generation. Errors are JSON {\"error\": message}.",
        },
        "paths": paths,
        "components": {"schemas": {
            "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}, "status": {"type": "integer"}}},
            "Hit": {"type": "object", "properties": {
                "clause_id": {"type": "string"}, "doc_id": {"type": "string"}, "doc_title": {"type": "string"}, "section": {"type": "string"},
                "text": {"type": "string"}, "score": {"type": "number"},
                "span": {"type": "object", "properties": {"start": {"type": "integer"}, "end": {"type": "integer"}}},
                "highlights": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2}},
                "kind": {"type": "string"}, "jurisdiction": {"type": "string"}, "url": {"type": "string"}}},
            "SearchResult": {"type": "object", "properties": {
                "query": {"type": "string"}, "k": {"type": "integer"}, "filters": {"type": "object"}, "mode": {"type": "string"},
                "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}}}},
        }},
    }


def _paths(settings: Settings, q: dict[str, Any], filters: list[dict[str, Any]], quiz_params: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "/api/search": {"get": {"summary": "Hybrid clause search", "parameters": [
            q, _q("k", "Number of hits.", {"type": "integer", "minimum": 1, "maximum": settings.max_k, "default": 10}),
            _q("mode", "Ranking.", {"type": "string", "enum": ["hybrid", "keyword", "vector"]}), *filters],
            "responses": _ok("Ranked hits", {"$ref": "#/components/schemas/SearchResult"})}},
        "/api/who-leads": {"get": {"summary": "Lead department(s) for an incident, cited", "parameters": [
            q, _q("jurisdiction", "District, e.g. 平谷区 (default: from the question, else 北京市).")],
            "responses": _ok("Who leads, with candidates and citations")}},
        "/api/ask": {"get": {"summary": "Short factual answer from extracted facts, cited", "parameters": [q],
                             "responses": _ok("Answer (answer is null when unsure)")}},
        "/api/documents": {"get": {"summary": "All documents with metadata", "responses": _ok("Documents")}},
        "/api/documents/{doc_id}": {"get": {"summary": "One document: metadata, outline, clauses",
                                            "parameters": [{"name": "doc_id", "in": "path", "required": True, "schema": {"type": "string"}}],
                                            "responses": _ok("Document")}},
        "/api/clauses/{clause_id}": {"get": {"summary": "One clause with its facts and source lines",
                                             "parameters": [{"name": "clause_id", "in": "path", "required": True, "schema": {"type": "string"},
                                                             "description": "e.g. gaz2021-2:4.1.5 (may contain '/')"}],
                                             "responses": _ok("Clause")}},
        "/api/check": {"post": {
            "summary": "Check a draft plan against the master plan (nothing is stored)",
            "parameters": [_q("format", "json (default), md or html.", {"type": "string", "enum": ["json", "md", "html"]})],
            "requestBody": {"required": True, "content": {
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "format": "binary", "description": f"txt, md, pdf, docx, doc, html, ofd or a page image (png, jpeg, tiff); at most {settings.max_upload_bytes} bytes; type sniffed from content"},
                    "text": {"type": "string"}, "master": {"type": "string"}}}},
                "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {
                    "text": {"type": "string"}, "name": {"type": "string"}, "master": {"type": "string", "description": "master document id"}}}}}},
            "responses": _ok("Report {document, findings, summary}")}},
        "/api/quiz": {"get": {"summary": "Generate a quiz", "parameters": quiz_params, "responses": _ok("Questions or an export file")}},
        "/api/health": {"get": {"summary": "Liveness and counts", "responses": _ok("Status")}},
    }
