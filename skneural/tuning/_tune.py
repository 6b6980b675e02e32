"""``tune``: cross-validated Optuna studies over skneural estimators."""

from __future__ import annotations

import os
import random
import socket
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import _safe_indexing

from .. import _params as P
from .._find import find_network
from ..backend import keras
from ..exceptions import DivergenceError, NoResultError
from ._pruners import make_pruner
from ._space import as_search_space

#: Seconds between a running trial's heartbeats in a database storage.
HEARTBEAT_INTERVAL = 10


class PruningCallback(keras.callbacks.Callback):
    """Report a validation score to an Optuna trial after every epoch.

    The value reported is the best score of the fit so far (the running
    maximum), so the pruner compares like with like: Optuna's median and
    percentile pruners weigh a trial's best reported value against the other
    trials' values at the same epoch, and with the scores themselves a trial
    whose score wobbles from epoch to epoch would be held to its luckiest
    epoch against the others' ordinary ones.

    When the trial's pruner says the trial is worse than its peers at this
    epoch, raises ``optuna.TrialPruned``: training stops there, the estimator
    is left as before the fit, and Optuna records the trial as pruned.

    Parameters
    ----------
    trial : optuna.trial.Trial
        The trial to report to.
    score : callable
        Returns the current validation score (greater is better). Called
        between epochs, when the estimator being trained can already predict.
    step_offset : int, default=0
        Added to the epoch index to make the reported step.
    """

    def __init__(self, trial, score, step_offset: int = 0):
        super().__init__()
        self.trial = trial
        self.score = score
        self.step_offset = step_offset
        self.best = float("nan")

    def __deepcopy__(self, memo):
        # Estimators copy their callbacks for every fit: the copy must report
        # to the same trial.
        return type(self)(self.trial, self.score, self.step_offset)

    def on_epoch_end(self, epoch, logs=None):
        import optuna  # optional: the `tune` extra

        value = float(self.score())
        self.best = float(np.fmax(self.best, value))  # NaN: no score yet
        self.trial.report(self.best, self.step_offset + epoch)
        if self.trial.should_prune():
            raise optuna.TrialPruned(
                f"pruned after epoch {epoch + 1}: best score {self.best:.4g}"
            )


def ignore_importance_regimes() -> None:
    """Ignore Optuna's "Some regimes for parameter ... less than 2 trials".

    Call inside ``warnings.catch_warnings()``, around parameter importances:
    the first trial (the estimator as given) draws no parameters, a "regime"
    of its own that every study has, too small for the importance evaluator.
    """
    warnings.filterwarnings("ignore", message="Some regimes for parameter")


class TuneResult:
    """What :func:`tune` found.

    Attributes
    ----------
    best_estimator_ : estimator
        A clone of the estimator with the best parameters, refitted on all
        the data (``None`` with ``refit=False``).
    best_params_ : dict
        The best trial's estimator parameters, ready for ``set_params``.
    best_score_ : float
        Its mean cross-validated score.
    study_ : optuna.study.Study
        The study, with every trial.
    """

    def __init__(self, study, best_params, best_estimator, space=None):
        self._space = space
        self.study_ = study
        self.best_params_ = best_params
        self.best_score_ = float(study.best_value)
        self.best_estimator_ = best_estimator

    def trials_dataframe(self, **kwargs):
        """The trials as a pandas DataFrame (``Study.trials_dataframe``)."""
        return self.study_.trials_dataframe(**kwargs)

    def summary(self, top: int = 5) -> str:
        """A text table: trial counts by state and the ``top`` best trials."""
        import optuna  # optional: the `tune` extra

        trials = self.study_.trials
        counts = {
            state.name.lower(): sum(t.state == state for t in trials)
            for state in optuna.trial.TrialState
        }
        header = ", ".join(f"{n} {name}" for name, n in counts.items() if n)
        done = sorted(
            (t for t in trials if t.state == optuna.trial.TrialState.COMPLETE),
            key=lambda t: t.value,
            reverse=True,
        )[:top]
        rows = [
            {
                "trial": t.number,
                "score": round(t.value, 4),
                "seconds": round(t.duration.total_seconds(), 1) if t.duration else None,
                **self._estimator_params(t),
            }
            for t in done
        ]
        frame = pd.DataFrame(rows)
        short = [str(c).rsplit("__", 1)[-1] for c in frame.columns]
        if len(set(short)) == len(short):  # net__regressor__dropout -> dropout
            frame.columns = short
        table = frame.to_string(index=False) if rows else "(none)"
        return (
            f"{len(trials)} trials: {header}. Best score {self.best_score_:.4g} "
            f"(trial {self.study_.best_trial.number}).\nBest trials:\n{table}"
        )

    def _estimator_params(self, trial) -> dict:
        """A trial's parameters as the estimator got them (else as drawn)."""
        import optuna  # optional: the `tune` extra

        try:
            return self._space(optuna.trial.FixedTrial(trial.params))
        except Exception:  # another space, or none: show what was drawn
            return dict(trial.params)

    def save_figures(self, directory) -> list:
        """Save the optimisation history and parameter importances as PNG.

        Uses ``optuna.visualization.matplotlib`` (needs matplotlib).
        Importances need two completed trials or more and are skipped
        otherwise.

        Parameters
        ----------
        directory : path-like
            Created if needed.

        Returns
        -------
        list of pathlib.Path
            The files written.
        """
        from pathlib import Path

        import matplotlib.pyplot as plt  # optional: the `tune` extra
        import optuna  # optional: the `tune` extra
        from optuna.visualization import matplotlib as plots  # optional

        folder = Path(directory)
        folder.mkdir(parents=True, exist_ok=True)
        figures = {"optimization_history": plots.plot_optimization_history}
        complete = self.study_.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
        drawn = [t.params for t in complete if t.params]  # not the as-given trial
        if len(drawn) >= 2:
            shared = sorted(set(drawn[0]).intersection(*drawn[1:]))
            figures["param_importances"] = lambda study: plots.plot_param_importances(
                study, params=shared
            )
        written = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            ignore_importance_regimes()
            for name, plot in figures.items():
                ax = plot(self.study_)
                path = folder / f"{name}.png"
                ax.figure.savefig(path, dpi=100, bbox_inches="tight")
                plt.close(ax.figure)
                written.append(path)
        return written

    def __repr__(self) -> str:
        return (
            f"TuneResult(best_score_={self.best_score_:.4g}, "
            f"best_params_={self.best_params_!r}, trials={len(self.study_.trials)})"
        )


def make_storage(
    url: str, *, heartbeat_interval: int = HEARTBEAT_INTERVAL, grace_period=None
):
    """An Optuna database storage that recovers from killed workers.

    A running trial records a heartbeat every ``heartbeat_interval`` seconds.
    When a worker dies mid-trial (killed, out of memory, machine lost), the
    next worker to start a trial on the study marks the trial whose
    heartbeat is older than ``grace_period`` as failed and queues its
    parameters to be run again (up to 3 times). Completed trials are never
    touched.

    Parameters
    ----------
    url : str
        SQLAlchemy URL: ``"sqlite:///tuning.db"``,
        ``"postgresql://user:password@host/db"``, ...
    heartbeat_interval : int, default=10
        Seconds between heartbeats.
    grace_period : int, default=None
        Seconds without heartbeat after which a trial is stale (Optuna's
        default: twice the interval).

    Returns
    -------
    optuna.storages.RDBStorage
    """
    import optuna  # optional: the `tune` extra

    def connect():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.storages.RDBStorage(
                url,
                heartbeat_interval=heartbeat_interval,
                grace_period=grace_period,
                heartbeat_stale_trial_callback=(
                    optuna.storages.RetryHeartbeatStaleTrialCallback(max_retry=3)
                ),
            )

    return retrying(connect)


def retrying(fn, attempts: int = 5):
    """Call ``fn``, again after a short random pause if the database refuses.

    Workers started together race to create the study's tables and the study
    itself; PostgreSQL then refuses all but one (a unique violation), and the
    others find everything created when they try again.
    """
    from sqlalchemy.exc import SQLAlchemyError  # optional: with optuna's RDB storage

    for attempt in range(attempts):
        try:
            return fn()
        except SQLAlchemyError:
            if attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0.1, 0.5) * (attempt + 1))


#: User attribute of the trial that scores the estimator as given.
AS_GIVEN = "as_given"


def tune(
    estimator,
    X,
    y,
    *,
    n_trials: int | None = None,
    timeout: float | None = None,
    cv: Any = 5,
    scoring: Any = None,
    search_space: Any = None,
    storage: Any = None,
    study_name: str | None = None,
    pruner: Any = "median",
    sampler: Any = None,
    n_jobs: int = 1,
    random_state: int | None = None,
    refit: bool = True,
    show_progress_bar: bool = True,
) -> TuneResult:
    """Tune a skneural estimator (or a Pipeline with one) with Optuna.

    The first trial of a new study scores the estimator as given (user
    attribute ``"as_given"``); each other trial draws parameters from the
    search space, cross-validates the estimator with them and returns the
    mean score. While the first fold
    trains, the trial reports its validation score after every epoch, so the
    pruner stops bad trials early. The best parameters are then refitted on
    all the data.

    Parameters
    ----------
    estimator : skneural estimator or Pipeline
        Not modified; every fit is on a clone.
    X, y : array-like
        Training data.
    n_trials : int, default=None
        Trials to run (in this call; a continued study keeps its earlier
        ones). With neither ``n_trials`` nor ``timeout``: 20 trials. 0 runs
        none: the best trial of an existing study is refitted.
    timeout : float, default=None
        Stop starting trials after this many seconds.
    cv : int, cross-validation generator or iterable, default=5
        As in scikit-learn (stratified folds for classifiers).
    scoring : str or callable, default=None
        A scikit-learn scorer (greater is better); None is the estimator's
        ``score`` (accuracy, R^2).
    search_space : SearchSpace, dict or callable, default=None
        A :class:`SearchSpace`, a dict of parameter name -> Optuna
        distribution (or function trial -> value), or a function trial ->
        dict of parameters. None: :func:`search_space` of the estimator.
    storage : str or optuna storage, default=None
        Where the study lives: None keeps it in memory;
        ``"sqlite:///tuning.db"`` or a PostgreSQL URL make it persistent, and
        calling ``tune`` again with the same storage and study name continues
        it. A URL gets :func:`make_storage`'s heartbeat, so the trial of a
        killed process is marked failed and its parameters tried again.
    study_name : str, default=None
        The study's name in ``storage`` (default ``"skneural"`` there).
    pruner : {"median", "hyperband", "successive_halving", "none"}, pruner or None
        Stops unpromising trials early. Trials report their first fold's
        best score so far after every epoch. "median": a trial whose best
        score is below the median of the complete trials' at that epoch
        (from the 3rd epoch, once 5 trials are complete).
        "successive_halving": only the best quarter of the trials that
        reach epochs 2, 5, 17 ... go on (with 40 epochs; Optuna's automatic
        rungs); prunes more, and risks stopping slow starters.
    sampler : optuna sampler, default=None
        None: TPE seeded with ``random_state``.
    n_jobs : int, default=1
        Trials run at once in threads of this process (see the tuning guide
        for processes and machines).
    random_state : int, default=None
        Seed of the default sampler.
    refit : bool, default=True
        Refit the best parameters on all of ``X, y``.
    show_progress_bar : bool, default=True
        Optuna's progress bar over trials, and :meth:`TuneResult.summary`
        printed at the end.

    Returns
    -------
    TuneResult
        ``best_estimator_``, ``best_params_``, ``best_score_``, ``study_``
        and ``trials_dataframe()``.
    """
    import optuna  # optional: the `tune` extra

    find_network(estimator)  # a clear TypeError for anything else
    space = as_search_space(search_space, estimator)
    if n_trials is not None:
        n_trials = P.check_int("tune", "n_trials", n_trials, low=0)
    if timeout is not None:
        timeout = P.check_float("tune", "timeout", timeout, low=0, low_open=True)
    if n_trials is None and timeout is None:
        n_trials = 20
    pruner = make_pruner(pruner)
    if sampler is None:
        sampler = optuna.samplers.TPESampler(seed=random_state)
    if isinstance(storage, str):
        storage = make_storage(storage)
    if storage is not None and study_name is None:
        study_name = "skneural"
    splits = list(check_cv(cv, y, classifier=is_classifier(estimator)).split(X, y))
    scorer = _scorer(estimator, scoring)

    worker = f"{socket.gethostname()}:{os.getpid()}"

    def objective(trial):
        trial.set_user_attr("worker", worker)  # who ran it, in shared studies
        params = {} if trial.user_attrs.get(AS_GIVEN) else space(trial)
        scores = []
        for k, (train, test) in enumerate(splits):
            est = clone(estimator).set_params(**params)
            X_test, y_test = _safe_indexing(X, test), _safe_indexing(y, test)
            if k == 0:
                _add_callback(
                    est,
                    PruningCallback(
                        trial,
                        lambda e=est, Xt=X_test, yt=y_test: scorer(e, Xt, yt),
                    ),
                )
            est.fit(_safe_indexing(X, train), _safe_indexing(y, train))
            scores.append(float(scorer(est, X_test, y_test)))
        trial.set_user_attr("fold_scores", scores)
        return float(np.mean(scores))

    study = retrying(
        lambda: optuna.create_study(
            storage=storage,
            study_name=study_name,
            direction="maximize",
            sampler=sampler,
            pruner=pruner,
            load_if_exists=True,
        )
    )
    if n_trials != 0:
        if not study.trials:
            # A new study first scores the estimator as given (its defaults
            # or your settings): the tuned result is never worse than that.
            study.enqueue_trial({}, user_attrs={AS_GIVEN: True})
        study.optimize(
            objective,
            n_trials=n_trials,
            timeout=timeout,
            n_jobs=n_jobs,
            show_progress_bar=show_progress_bar,
            catch=(DivergenceError,),  # a diverged trial fails; the study goes on
        )
    complete = study.get_trials(states=(optuna.trial.TrialState.COMPLETE,))
    if not complete:
        states = [t.state.name.lower() for t in study.trials]
        counts = ", ".join(f"{states.count(s)} {s}" for s in sorted(set(states)))
        raise NoResultError(
            f"No trial of study {study.study_name!r} completed ({counts}): there is "
            "no best estimator. Run more trials, or prune less (pruner=None)."
        )
    if study.best_trial.user_attrs.get(AS_GIVEN):
        best_params = {}
    else:
        best_params = space(optuna.trial.FixedTrial(study.best_trial.params))
    best = None
    if refit:
        best = clone(estimator).set_params(**best_params).fit(X, y)
    result = TuneResult(study, best_params, best, space)
    if show_progress_bar:
        print(result.summary())
    return result


def _scorer(estimator, scoring):
    """``check_scoring``, with a did-you-mean for an unknown scorer name."""
    names = get_scorer_names()
    if isinstance(scoring, str) and scoring not in names:
        P.fail(
            "tune",
            "scoring",
            "a scorer name of sklearn.metrics.get_scorer_names(), a callable or None",
            scoring,
            P.did_you_mean(scoring, names),
        )
    return check_scoring(estimator, scoring=scoring)


def _add_callback(estimator, callback) -> None:
    prefix, net = find_network(estimator)
    existing = net.callbacks
    if existing is None:
        existing = []
    elif isinstance(existing, keras.callbacks.Callback):
        existing = [existing]
    estimator.set_params(**{f"{prefix}callbacks": [*existing, callback]})
