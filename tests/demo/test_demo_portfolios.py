"""The demo, clustered on load: the portfolios its links were designed for (demo/data/clusters.yaml),
adopted and named (demo/data/portfolios.yaml), the one proposal that stands for no designed group left
for the committee, and the isolated pilot listed as such."""

import pytest
import yaml
from django.core.management import call_command

from demo import fixtures
from domains.models import UseCase
from portfolio.clustering import normalized_mutual_information
from portfolio.matching import jaccard
from portfolio.models import ClusteringRun, Portfolio, PortfolioMembership

pytestmark = pytest.mark.django_db


def _designed():
    return yaml.safe_load((fixtures.DATA_DIR / "clusters.yaml").read_text())


def _named():
    return yaml.safe_load((fixtures.DATA_DIR / "portfolios.yaml").read_text())


def _members() -> dict[int, set[str]]:
    found: dict[int, set[str]] = {}
    for portfolio_id, external_id in PortfolioMembership.objects.values_list("portfolio_id", "use_case__external_id"):
        found.setdefault(portfolio_id, set()).add(external_id.removeprefix("demo:"))
    return found


def test_the_demo_adopts_the_portfolios_its_links_were_designed_for(demo):
    [run] = ClusteringRun.objects.all()
    assert run.status == "succeeded" and run.portfolio_count == 6
    designed, named = _designed(), _named()
    members = _members()
    adopted = Portfolio.objects.filter(status="adopted")
    assert {p.name for p in adopted} == {
        spec["name"] for key, spec in named.items() if key not in {"store-operations", "people"}
    }
    for portfolio in adopted:
        key = next(key for key, spec in named.items() if spec["name"] == portfolio.name)
        assert jaccard(members[portfolio.pk], set(designed[key])) >= 0.5, portfolio
        assert portfolio.theme == named[key]["theme"]
        assert portfolio.owner.username == named[key]["owner"]
        assert portfolio.why and portfolio.cohesion > 0.5
    [proposed] = Portfolio.objects.filter(status="proposed")
    assert members[proposed.pk] & set(designed["store-operations"]) and members[proposed.pk] & set(designed["people"])


def test_the_found_groups_agree_with_the_designed_ones_over_the_use_cases_clustered(demo):
    designed = {key: name for name, keys in _designed().items() for key in keys}
    where = {}
    for portfolio_id, external_id in PortfolioMembership.objects.values_list("portfolio_id", "use_case__external_id"):
        where[external_id.removeprefix("demo:")] = portfolio_id
    covered = [key for key in sorted(where) if key in designed]
    found = [where[key] for key in covered]
    wanted = [list(_designed()).index(designed[key]) for key in covered]
    assert len(covered) >= 45
    assert normalized_mutual_information(found, wanted) >= 0.8


def test_the_isolated_pilot_is_listed_as_such(demo):
    run = ClusteringRun.objects.get()
    isolated = set(UseCase.objects.filter(pk__in=run.isolated).values_list("external_id", flat=True))
    assert "demo:store-energy-optimisation" in isolated


def test_loading_again_starts_no_new_run(demo):
    call_command("load_demo", verbosity=0)
    assert ClusteringRun.objects.count() == 1
    assert Portfolio.objects.filter(status="adopted").count() == 5
