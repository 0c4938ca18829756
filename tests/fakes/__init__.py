"""Stateful local fakes of outside services, served over real HTTP for tests and dev mode."""
