"""A local Telegraph (telegra.ph's API): accounts, pages with Telegraph's limits, faults.

`state.TelegraphState` holds accounts and pages and checks every call as Telegraph does
(node format, allowed tags and attributes, 64 KB of content, title and byline lengths);
`http.add_telegraph_routes` serves the API under `/telegraph/`, the pages under
`/telegraph/page/`, and its control routes under `/control/telegraph/`.
"""
