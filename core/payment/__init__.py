"""Payments: the PaymentGateway interface, LocalGateway and StripeGateway."""
