"""The web room: app factory, settings, routes, schemas, errors, CLI. Nothing imports it."""
