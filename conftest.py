"""Test scheduling for `make test`, which runs pytest with pytest-xdist (`-n auto`).

A notebook's cells share one kernel and must run in order on one worker; every other test is
independent and may go to any worker. The notebooks, the longest jobs, are handed out first, so
that the short library tests fill the gaps at the end.
"""

import pytest


def _is_notebook_cell(nodeid: str) -> bool:
    return nodeid.split("::", 1)[0].endswith(".ipynb")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: not _is_notebook_cell(item.nodeid))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        """One scope per notebook, one per test elsewhere."""

        def _split_scope(self, nodeid: str) -> str:
            return nodeid.split("::", 1)[0] if _is_notebook_cell(nodeid) else nodeid

    return NotebookScheduling(config, log)
