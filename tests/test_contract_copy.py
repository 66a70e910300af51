"""docs/contract.md is the registration contract vendored into the repository, so a clone is self-contained; where
the shared contract sits beside the checkout, the copy must be equal to it."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "contract" / "registrations.md"


@pytest.mark.skipif(not SHARED.exists(), reason=f"no shared contract at {SHARED}")
def test_the_vendored_contract_equals_the_shared_one():
    assert (ROOT / "docs" / "contract.md").read_bytes() == SHARED.read_bytes(), (
        f"docs/contract.md differs from {SHARED}: copy the shared contract over it and review the changes"
    )
