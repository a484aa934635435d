"""import kinds"""
