//! The OpenAPI 3.1 document served at `/api/openapi.json`.

use serde_json::{json, Value};

fn q(name: &str, kind: &str, desc: &str) -> Value {
    json!({"name": name, "in": "query", "required": false, "description": desc, "schema": {"type": kind}})
}

fn path_id(desc: &str) -> Value {
    json!({"name": "id", "in": "path", "required": true, "description": desc, "schema": {"type": "string"}})
}

fn op(summary: &str, params: Vec<Value>) -> Value {
    json!({"get": {
        "summary": summary,
        "parameters": params,
        "responses": {
            "200": {"description": "OK", "content": {"application/json": {}}},
            "400": {"description": "A bad parameter", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
            "404": {"description": "Not found", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        }
    }})
}

fn event_params() -> Vec<Value> {
    vec![
        q("actor", "string", "Actor id (the acting side)"),
        q("recipient", "string", "Recipient id (the side acted upon)"),
        q("type", "string", "PLOVER event type, e.g. ASSAULT"),
        q("mode", "string", "PLOVER mode, e.g. aerial"),
        q("place", "string", "Place id"),
        q("from", "string", "Earliest date, YYYY[-MM[-DD]]"),
        q("to", "string", "Latest date, YYYY[-MM[-DD]]"),
        q("document", "string", "Document id, id prefix or name"),
        q("q", "string", "Words the evidence sentence must contain"),
        q("limit", "integer", "Page size, 1–1000 (default 100)"),
        q("offset", "integer", "Rows to skip (default 0)"),
        q("sources", "integer", "Sources listed per event, 0–10000 (default 20; source_count gives them all, /api/events/{id} lists them)"),
    ]
}

/// The document.
pub fn document() -> Value {
    let mut paths = serde_json::Map::new();
    let mut add = |p: &str, v: Value| {
        paths.insert(p.to_string(), v);
    };
    add(
        "/api/stats",
        op("Counts of what the knowledge base holds", vec![]),
    );
    let mut docs = op(
        "The stored documents (metadata), a page at a time in ingest order, with their total",
        vec![
            q(
                "limit",
                "integer",
                "Documents per page, 1–1000 (default 100)",
            ),
            q("offset", "integer", "Documents to skip (default 0)"),
        ],
    );
    docs["post"] = json!({
        "summary": "Ingest a document (only with --allow-ingest; bearer token)",
        "security": [{"bearer": []}],
        "parameters": [q("name", "string", "The document's name"), q("format", "string", "Force a reader format")],
        "requestBody": {"required": true, "content": {"application/octet-stream": {}, "text/plain": {}}},
        "responses": {"201": {"description": "Stored"}, "200": {"description": "Already stored"},
            "401": {"description": "Missing or wrong token"}, "403": {"description": "Server is read-only"},
            "413": {"description": "Body too large"}}
    });
    add("/api/documents", docs);
    add(
        "/api/documents/{id}",
        op(
            "One document: metadata, sections, warnings and clean text",
            vec![
                path_id("Document id, id prefix (4+) or name"),
                q("text", "string", "clean (default) or none"),
            ],
        ),
    );
    add(
        "/api/documents/{id}/sentences",
        op(
            "A document's sentences with raw spans",
            vec![path_id("Document")],
        ),
    );
    add(
        "/api/documents/{id}/spans",
        op(
            "A document's sentence, mention, date, removed and event spans (raw byte offsets)",
            vec![path_id("Document")],
        ),
    );
    add(
        "/api/documents/{id}/annotated",
        op(
            "The clean text as blocks with mentions and dates placed, for display",
            vec![path_id("Document")],
        ),
    );
    add(
        "/api/documents/{id}/raw",
        op(
            "Raw bytes behind a span (at most 65536)",
            vec![
                path_id("Document"),
                q("start", "integer", "First byte"),
                q("end", "integer", "Byte after the last"),
            ],
        ),
    );
    add(
        "/api/search",
        op(
            "Full-text search over sentences with snippets (matches in [ ])",
            vec![
                json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string"}, "description": "Words, all required"}),
                q("limit", "integer", "1–500 (default 50)"),
            ],
        ),
    );
    add(
        "/api/sources",
        op(
            "Which documents are copies, excerpts or revisions of which (the closest first, paged; total_relations counts them all), with the documents the page names (total_documents counts all stored)",
            vec![
                q("limit", "integer", "Relations, 1–10000 (default 1000)"),
                q("offset", "integer", "Relations to skip (default 0)"),
            ],
        ),
    );
    add(
        "/api/events",
        op("Events, filtered and paged, newest first", event_params()),
    );
    add(
        "/api/events/{id}",
        op(
            "One event with all its sources",
            vec![path_id("Event number")],
        ),
    );
    add(
        "/api/facets",
        op(
            "Event types, modes, actors, recipients and places that occur, with counts and names",
            vec![],
        ),
    );
    add(
        "/api/timeline",
        op(
            "Events grouped by day plus a per-day histogram (ignoring the date filters), with the same filters as /api/events (limit up to 5000)",
            event_params(),
        ),
    );
    add(
        "/api/claims",
        op(
            "Numeric claims with their claimants",
            vec![
                q("subject", "string", "Subject id or name"),
                q("category", "string", "Category, e.g. killed"),
                q("claimant", "string", "Claimant id"),
                q("document", "string", "Document id, id prefix or name"),
                q("limit", "integer", "1–5000 (default 1000)"),
                q("offset", "integer", "Rows to skip"),
                q(
                    "sources",
                    "integer",
                    "Sources listed per claim, 0–10000 (default 20; source_count gives them all)",
                ),
            ],
        ),
    );
    add(
        "/api/disagreements",
        op(
            "Subjects and categories where claimants' figures differ",
            vec![],
        ),
    );
    add(
        "/api/stances",
        op(
            "Outside actors' stances towards Armenia, Azerbaijan and Artsakh, with evidence",
            vec![],
        ),
    );
    add("/api/actors", op("Actors with event counts", vec![]));
    add(
        "/api/actors/{id}",
        op("One actor with its events", vec![path_id("Actor id")]),
    );
    add(
        "/api/places",
        op(
            "Places with coordinates and event counts",
            vec![
                q("from", "string", "Count events overlapping the window from this date (events begun over 31 days earlier are not counted)"),
                q("to", "string", "Count events up to this date"),
            ],
        ),
    );
    add(
        "/api/places/{id}",
        op("One place with its events", vec![path_id("Place id")]),
    );
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "casus knowledge base API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Read-only JSON over a casus knowledge base. Spans are half-open raw byte ranges of the stored document. Unknown or malformed parameters give 400 with {error, parameter}."
        },
        "paths": paths,
        "components": {
            "schemas": {"Error": {"type": "object", "required": ["error", "status"], "properties": {
                "error": {"type": "string"}, "status": {"type": "integer"}, "parameter": {"type": "string"}}}},
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
        }
    })
}
