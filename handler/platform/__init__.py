"""What every side uses: storage, mail, clock, configuration, limits, origin and security
headers, errors and messages, logs, request bodies; may use shared_rules only."""
