"""Development tools of this repository, not shipped in the engine's wheel.

They need a checkout (the stubs, the corpus) or packages the engine does not depend on (typeguard,
starlette itself): the runtime oracle, mutation testing, the mypy plugin's collateral check, and the
throwaway environments they build. Run them from the repository root: `python -m devtools.mutate`.
"""
