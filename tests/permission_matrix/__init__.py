"""The permission matrix (docs/permissions.md) as tests: the document's tables are the expectations,
`requests.py` says how each row is asked, `world.py` builds the people and objects once per module.
See tests/test_permission_matrix.py."""
