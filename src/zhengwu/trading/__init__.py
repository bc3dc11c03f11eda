"""Public-resource trading oversight (DOMAIN.md §12): the supervisor's record of deals and bids, and
a detector of the collusion signals of 招标投标法实施条例 art. 40."""
