"""The complaints workflow, one module per family of actions. Other code imports it through complaints.services."""
