"""Campaign planning, pure: the problem and its values, candidate slots, the greedy baseline, the
CP-SAT optimiser with its linear relaxation, and why a target is not met.

Nothing here reads or writes the database: :mod:`planner.db.campaign_plans` loads a stored
campaign into a :class:`planner.planning.campaign.CampaignProblem` and stores the proposal.
"""
