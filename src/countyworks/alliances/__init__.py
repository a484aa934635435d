"""Program 1: industry alliances under party building (党建+产业联盟, 常宁)."""
