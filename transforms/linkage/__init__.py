"""Identity linkage of usulan rows to Dukcapil persons, in stages (after ONS pes_match and Splink):

``blocking``     which Dukcapil persons are candidates for a row, and by which rule (never all pairs);
``comparisons``  the evidence of a candidate pair as small named levels (NIK, name, birth date, ...);
``decide``       Fellegi-Sunter weights from ``rules/matching.yaml`` -> a match probability, guards that
                 no agreement may outvote a disagreeing name, the review band and one-to-one claims.
"""
