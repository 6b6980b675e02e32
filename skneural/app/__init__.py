"""The application built on the skneural library: the ``skneural`` command.

Everything here serves the command line, and is usable from Python too:

- :mod:`~skneural.app.cli`: the command, one module per subcommand;
- :mod:`~skneural.app.catalog`: the names it knows (tasks, models, named
  datasets), light enough for ``--help``;
- :mod:`~skneural.app.data`: reading tables, images and named datasets;
  :mod:`~skneural.app.datasets`: Fashion-MNIST from the Debian package;
- :mod:`~skneural.app.preprocessing` and :mod:`~skneural.app.models`: the
  model for a task, and the baselines' preprocessing;
- :mod:`~skneural.app.evaluation`: cross-validation next to scikit-learn
  baselines; :mod:`~skneural.app.plotting` and :mod:`~skneural.app.report`:
  figures and the HTML report;
- :mod:`~skneural.app.bundle`: the command's model files (a model and what is
  known about it).

The library (``skneural`` and its other modules) never imports this package.
"""
