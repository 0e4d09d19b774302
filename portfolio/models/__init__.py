"""How use cases relate (links) and group (clustering runs, portfolios and their members)."""

from .links import UseCaseLink
from .portfolios import ClusteringRun, Portfolio, PortfolioMembership

__all__ = ["ClusteringRun", "Portfolio", "PortfolioMembership", "UseCaseLink"]
