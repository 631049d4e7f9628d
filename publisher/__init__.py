"""Static snapshot publisher for school display screens.

Data flows one way: database -> build (pure) -> plan -> upload -> record.
"""

__version__ = "0.2.0"
