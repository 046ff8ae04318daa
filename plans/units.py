"""Units: the conversion factors, stated once. Loads are stored in kg and distances in km;
they are converted at the edge, in the athlete's unit."""

from __future__ import annotations

LB_TO_KG = 0.45359237  # exact, by the international yard and pound agreement (1959)
MILE_KM = 1.609344
