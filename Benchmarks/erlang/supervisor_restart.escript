#!/usr/bin/env escript
%% Erlang/OTP baseline for SupervisionBenchmarks: how long an OTP supervisor takes from a
%% worker's crash to its replacement running. A one_for_one supervisor (intensity high enough
%% never to trip) supervises one permanent worker; each sample sends the worker a `crash`
%% message, the worker exits abnormally, and the sample ends when the restarted worker's init
%% reports `{started, Pid}` to us. Crash reports are switched off (logger level none) so
%% terminal output is not part of the measurement.
%%
%% OTP keeps its restart history as a list of instants (whole seconds) that it walks on every
%% restart, so at thousands of restarts a second each restart costs more. With FreshEvery > 0
%% a new supervisor is started every FreshEvery samples (outside the timing) to show the
%% restart path without that growing list.
%%
%% Prints one line per sample ("sample_ns N") and a summary line.
%%
%%   escript Benchmarks/erlang/supervisor_restart.escript [Samples [FreshEvery]]
%%   (defaults: 10000 samples, one supervisor for all of them)
-mode(compile).
-export([init/1, start_worker/1]).

main(Args) ->
    {Samples, FreshEvery} =
        case Args of
            [N, F] -> {list_to_integer(N), list_to_integer(F)};
            [N] -> {list_to_integer(N), 0};
            [] -> {10000, 0}
        end,
    ok = logger:set_primary_config(level, none),
    _ = run_chunks(200, 0),
    Times = run_chunks(Samples, FreshEvery),
    lists:foreach(fun(T) -> io:format("sample_ns ~b~n", [T]) end, Times),
    Sorted = lists:sort(Times),
    io:format("otp_release ~s samples ~b fresh_every ~b p50_us ~.2f p90_us ~.2f p99_us ~.2f~n",
              [erlang:system_info(otp_release), Samples, FreshEvery,
               pct(Sorted, 50) / 1000, pct(Sorted, 90) / 1000, pct(Sorted, 99) / 1000]).

%% Runs Samples samples, on a new supervisor every FreshEvery (0: one supervisor).
run_chunks(Samples, 0) -> with_supervisor(Samples);
run_chunks(Samples, FreshEvery) when Samples =< FreshEvery -> with_supervisor(Samples);
run_chunks(Samples, FreshEvery) ->
    with_supervisor(FreshEvery) ++ run_chunks(Samples - FreshEvery, FreshEvery).

with_supervisor(Count) ->
    {ok, Sup} = supervisor:start_link(?MODULE, {self()}),
    Worker = receive {started, W} -> W after 5000 -> exit(no_first_start) end,
    Times = sample_loop(Worker, Count, []),
    unlink(Sup),
    Ref = monitor(process, Sup),
    exit(Sup, shutdown),
    receive {'DOWN', Ref, process, Sup, _} -> ok after 5000 -> exit(no_shutdown) end,
    Times.

sample_loop(_Worker, 0, Acc) -> lists:reverse(Acc);
sample_loop(Worker, Count, Acc) ->
    Start = erlang:monotonic_time(nanosecond),
    Worker ! crash,
    receive
        {started, Next} ->
            End = erlang:monotonic_time(nanosecond),
            sample_loop(Next, Count - 1, [End - Start | Acc])
    after 5000 -> exit(no_restart)
    end.

pct(Sorted, P) ->
    Index = max(1, min(length(Sorted), round(P / 100 * length(Sorted)))),
    lists:nth(Index, Sorted).

%% supervisor callback
init({Parent}) ->
    Flags = #{strategy => one_for_one, intensity => 1000000000, period => 1},
    Child = #{id => worker, start => {?MODULE, start_worker, [Parent]},
              restart => permanent, shutdown => brutal_kill, type => worker},
    {ok, {Flags, [Child]}}.

start_worker(Parent) ->
    Pid = spawn_link(fun() -> worker(Parent) end),
    {ok, Pid}.

worker(Parent) ->
    Parent ! {started, self()},
    receive crash -> exit(crashed) end.
