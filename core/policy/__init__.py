"""Travel policy: rules as data per organization, verdicts green | amber | red."""
