"""The ``matchsim`` command group.

Commands live in their own modules and are imported only when invoked, so
``matchsim --help`` and a simple ``matchsim match`` start quickly (pandas,
matplotlib and dask are loaded only by the commands that need them).
"""

from __future__ import annotations

import importlib
import importlib.util

import click

from matchsim import __version__
from matchsim.cli import INTERRUPTED_EXIT
from matchsim.cli.options import BROKEN_PIPE_EXIT, silence_stdout, with_compile_notice

#: command name -> (module, function, one-line help)
COMMANDS = {
    "match": ("matchsim.cli.match", "match", "Run the Match on a market file and show who matched where."),
    "compare": ("matchsim.cli.compare", "compare", "Compare your candidate rank lists and explain which is best."),
    "run": ("matchsim.cli.run", "run", "Run a Monte Carlo study from a scenario file."),
    "explain": ("matchsim.cli.explain", "explain", "Replay the Match round by round, and show why list order cannot help."),
    "demo": ("matchsim.cli.demo", "demo", "Show the Match one proposal at a time, in the terminal or as a page."),
    "audit": ("matchsim.cli.audit", "audit", "Check every applicant: could another list have got them a better match?"),
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx):
        return [name for name, (mod, _, _) in COMMANDS.items() if importlib.util.find_spec(mod)]

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        mod, func, _ = COMMANDS[name]
        try:
            module = importlib.import_module(mod)
        except ModuleNotFoundError as exc:
            if exc.name == mod:
                return None
            raise
        return with_compile_notice(getattr(module, func))

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # the reader went away (``matchsim explain | head``): stop quietly
            silence_stdout()
            ctx.exit(BROKEN_PIPE_EXIT)
        except KeyboardInterrupt:  # Ctrl-C: one line and the shell's status, not click's "Aborted!" (1)
            click.echo("Interrupted.", err=True)
            ctx.exit(INTERRUPTED_EXIT)

    def format_commands(self, ctx, formatter):
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="matchsim")
@click.pass_context
def cli(ctx):
    """matchsim: understand the residency Match with your own numbers.

    \b
    Examples:
      matchsim match --example nrmp          # the NRMP's worked example
      matchsim match my_market/              # a folder of CSV files
      matchsim match market.json --out result.csv
      matchsim explain                       # the algorithm, round by round
      matchsim compare mylist.csv            # which of my rank lists is best?
      matchsim run scenarios/truthful_vs_strategies.toml --out results/
    """
    if ctx.invoked_subcommand is None:  # bare ``matchsim``: the help is the answer, not an error
        click.echo(ctx.get_help())
