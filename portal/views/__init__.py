"""The portal's blueprints: auth (sign-in), desk (legal), me (employees), api (JSON), ops."""
