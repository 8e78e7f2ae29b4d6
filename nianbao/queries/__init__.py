"""Read-side queries for the dashboard: SQL aggregates returned as DataFrames.

Pages never write SQL; they call these functions (through the cached wrappers
in nianbao/ui.py). One module per area of the product.
"""
