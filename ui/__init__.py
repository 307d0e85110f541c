"""The Streamlit app's pages and shared widgets (thin shells over the packages)."""
