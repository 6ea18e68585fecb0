"""The figures of NFRA's consumer-protection rating (《金融机构消费者权益保护监管评价办法》, 2025) the portal knows:

- `weights`: the seven elements' weights as compliance configured them (floors, sum of 100, a second approver);
- `figures`: each element's figures for a year, with the evidence's link, or null with the reason when the portal
  does not hold the data (the `rating_report` JSON contract, docs/design.md);
- `assessment`: the Chinese self-assessment (自评) drafted from those figures as a draft notice, and its PDF.
"""
