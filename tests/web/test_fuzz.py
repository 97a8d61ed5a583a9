"""Schemathesis over the app's own OpenAPI document, in process: no server errors, no schema violations.

Each operation gets a bounded number of generated requests (valid and invalid
per the document) and every response is checked by schemathesis's checks
(status code and content type documented, body matching its schema, no
5xx, negative data rejected, unsupported methods answered 405); the app's
catch-all handler must never be reached. Left out: schemathesis's
"positive data accepted" check, since a schema-valid string can still name
an unknown state or a mode an arrangement lacks, which is a 4xx by design.
"""

from __future__ import annotations

import schemathesis
from schemathesis.checks import positive_data_acceptance
from hypothesis import HealthCheck, Phase, given, settings

#: Requests per operation: the state profile and the arrangement page compute a whole posture or every
#: command chain, so they get fewer, keeping the whole fuzz well under a minute.
EXAMPLES = {"/states/{code}": 6, "/states/{code}.json": 6, "/arrangements/{aid}": 6, "/arrangements/{aid}.json": 6}


def test_api_conforms(web_app, monkeypatch):
    from allegiance.web import app as web

    reached: list = []
    monkeypatch.setattr(web.log, "exception", lambda *a, **k: reached.append(a))
    schema = schemathesis.openapi.from_asgi("/openapi.json", web_app)
    operations = [r.ok() for r in schema.get_all_operations()]
    calls: list[str] = []
    assert len(operations) >= 28
    for op in operations:
        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES.get(op.path, 15), deadline=None, database=None,
                  suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
        def run(case):
            case.call_and_validate(excluded_checks=[positive_data_acceptance])
            calls.append(case.operation.label)

        run()
    # the record page and its twin, answering real questions too (generated ids seldom name an arrangement)
    for op in operations:
        if op.path in ("/record", "/record.json"):
            for q in ({"arrangement": "union-state"}, {"arrangement": "union-state", "from": "2022", "to": "2022"},
                      {"arrangement": "nato"}):
                response = op.Case(query=q).call_and_validate(excluded_checks=[positive_data_acceptance])
                assert response.status_code == 200, (op.path, q, response.text[:300])
                calls.append(op.label)
    assert not reached, reached
    assert len(set(calls)) == len(operations) and len(calls) >= 150, len(calls)
