"""Small reusable widgets: charts drawn with QPainter, the form with field errors, delegates."""
