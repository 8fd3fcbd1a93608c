"""Staff-survey scales: scores, reliability, associations and group means.

A staff survey asks caseworkers several items per construct — knowledge of the compensation
schemes, belief in the citizen's chance of a job. A :class:`Scale` says which items make a
construct, which are reverse-worded and how many answers a score needs. From the canonical long
staff frame (``respondent``, ``jobcentre``, ``item``, ``value``) this module computes the scale
scores, their reliability (Cronbach's α with Feldt's interval, McDonald's ω), associations
between scales (Fisher or cluster-bootstrap intervals, since staff are nested in jobcentres),
how alike colleagues answer (:func:`icc`: the intraclass correlation and design effect)
and group means (for example by the jobcentre's strategy type, a column the caller joins).

Reduce, then infer: :func:`reduce_cross_products` reduces rows of numbers (scored items, or
scale scores) to counts, sums and sums of cross-products per group and pair of columns, built
on :func:`jobhandicap._reduce.grouped_sums`; α, ω, correlations, means and their intervals are
computed from that table. The cluster bootstraps resample the jobcentres' reduced sums, not
rows: a matrix product of the draw counts and the per-jobcentre sums. What needs rows says so:
a respondent's scale score (its minimum of answered items) and ranks for Spearman's
correlation.
"""

from __future__ import annotations

from jobhandicap.staff._association import association
from jobhandicap.staff._icc import icc
from jobhandicap.staff._means import scale_means
from jobhandicap.staff._moments import reduce_cross_products as reduce_cross_products
from jobhandicap.staff._reliability import reliability
from jobhandicap.staff._scales import Scale, scale_scores

__all__ = ["Scale", "association", "icc", "reliability", "scale_means", "scale_scores"]
