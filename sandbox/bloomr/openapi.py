"""``/openapi.json`` (served only with ``--openapi``): the collections, paging and auth scheme."""

from .layout import COLLECTIONS, PREFIXES
from .paging import DEFAULT_SIZE, MAX_SIZE, SIZE_PARAM

JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
              dict: "object"}
PAGE_PARAMS = {"page": ("page", "per_page"), "offset": ("offset", "limit"), "cursor": ("cursor", "limit"),
               "link": ("page", "page_size")}


def _scheme(auth, token_url):
    if auth.style == "apikey":
        return {"type": "apiKey", "in": "header", "name": auth.key_header}
    if auth.style in ("bearer", "basic"):
        return {"type": "http", "scheme": auth.style}
    if auth.style == "session":
        return {"type": "apiKey", "in": "cookie", "name": "bloomr_session"}
    return {"type": "oauth2", "flows": {"clientCredentials": {"tokenUrl": token_url, "scopes": {}}}}


def _schema(sample):
    props = {}
    for key, value in (sample or {}).items():
        props[key] = {"type": JSON_TYPES.get(type(value), "string")}
        if value is None:
            props[key]["nullable"] = True
    return {"type": "object", "properties": props}


def _parameters(style):
    params = [{"name": name, "in": "query", "schema": {"type": "string" if name == "cursor" else "integer"}}
              for name in PAGE_PARAMS[style]]
    for p in params:
        if p["name"] == SIZE_PARAM[style]:
            p["schema"].update(default=DEFAULT_SIZE, maximum=MAX_SIZE)
    params.append({"name": "updated_since", "in": "query", "schema": {"type": "string", "format": "date-time"}})
    return params


def document(dataset, auth, style, base_url, token_url, names=None):
    """The OpenAPI 3 document of this sandbox (collections under their ``names``)."""
    paths = {}
    for name in COLLECTIONS:
        ref = {"$ref": f"#/components/schemas/{name}"}
        served = (names or {}).get(name, name)
        paths[f"/{served}"] = {"get": {"summary": f"List {served}", "parameters": _parameters(style),
                                       "responses": {"200": {"description": f"A page of {served} ({style} paging)"}}}}
        id_type = "string" if name in PREFIXES else "integer"
        paths[f"/{served}/{{id}}"] = {"get": {
            "summary": f"One {name} record",
            "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": id_type}}],
            "responses": {"200": {"description": "The record",
                                  "content": {"application/json": {"schema": ref}}}}}}
    paths["/files/{id}/download"] = {"get": {"summary": "The file's bytes",
                                             "responses": {"200": {"description": "The file"}}}}
    schemas = {name: _schema(next(iter(dataset.rows(name)), None)) for name in COLLECTIONS}
    return {"openapi": "3.0.3",
            "info": {"title": "Bloomr API (invented sandbox)", "version": "1.0",
                     "description": "An invented API: Bloomr publishes no API documentation."},
            "servers": [{"url": base_url}], "paths": paths,
            "components": {"schemas": schemas, "securitySchemes": {auth.style: _scheme(auth, token_url)}},
            "security": [{auth.style: []}]}
