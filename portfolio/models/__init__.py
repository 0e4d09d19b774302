"""How use cases relate (links) and group (clustering runs, portfolios and their members)."""

from .duplicates import DuplicatePair
from .links import UseCaseLink
from .portfolios import ClusteringRun, Portfolio, PortfolioMembership
from .priorities import PriorityWeights

__all__ = ["ClusteringRun", "DuplicatePair", "Portfolio", "PortfolioMembership", "PriorityWeights", "UseCaseLink"]
