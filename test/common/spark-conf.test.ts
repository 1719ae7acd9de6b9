import { describe, expect, it } from 'vitest'

import { SparkConf } from '../../src/common/spark-conf.js'
import { thrownBy } from '../support/rejection.js'

describe('SparkConf', () => {
  it('stores values as strings and reads them back with get', () => {
    const conf = new SparkConf().set('spark.task.maxFailures', 2).set('spark.ui.enabled', false).set('spark.app.name', 'counts')

    expect(conf.get('spark.task.maxFailures')).toBe('2')
    expect(conf.get('spark.ui.enabled')).toBe('false')
    expect(conf.get('spark.app.name')).toBe('counts')
  })

  it('returns the default for a key that is not set, and the value when it is', () => {
    const conf = new SparkConf().set('spark.ui.port', 4041)

    expect(conf.get('spark.ui.port', '4040')).toBe('4041')
    expect(conf.get('spark.sql.shuffle.partitions', '200')).toBe('200')
  })

  it('throws, naming the key and how to set it, when a key without a default is not set', () => {
    const error = thrownBy(() => new SparkConf().get('spark.missing'))

    expect(error).toBeInstanceOf(Error)
    expect(error.message).toBe('No value for configuration key spark.missing; set it with conf.set("spark.missing", value)')
  })

  it('replaces the value of a key that is set again', () => {
    const conf = new SparkConf().set('k', 'first').set('k', 'second')

    expect(conf.get('k')).toBe('second')
    expect(conf.getAll()).toEqual([['k', 'second']])
  })

  it('returns itself from every setter, so calls chain', () => {
    const conf = new SparkConf()

    expect(conf.set('a', 1)).toBe(conf)
    expect(conf.setMaster('local[2]')).toBe(conf)
    expect(conf.setAppName('app')).toBe(conf)
    expect(conf.setAll([['b', 2]])).toBe(conf)
  })

  it("stores the master and app name under Spark's keys", () => {
    const conf = new SparkConf().setMaster('local[4]').setAppName('wordcount')

    expect(conf.get('spark.master')).toBe('local[4]')
    expect(conf.get('spark.app.name')).toBe('wordcount')
  })

  it('sets every pair of setAll, from an array or a Map', () => {
    const conf = new SparkConf()
      .setAll([['spark.default.parallelism', 8], ['spark.streaming.backpressure.enabled', true]])
      .setAll(new Map([['spark.ui.port', '4050']]))

    expect(conf.getAll()).toEqual([
      ['spark.default.parallelism', '8'],
      ['spark.streaming.backpressure.enabled', 'true'],
      ['spark.ui.port', '4050'],
    ])
  })

  it('lists every setting with getAll, sorted by key, as a copy', () => {
    const conf = new SparkConf().set('z.key', 1).set('a.key', 2)
    const all = conf.getAll()
    all.push(['injected', 'x'])

    expect(conf.getAll()).toEqual([['a.key', '2'], ['z.key', '1']])
    expect(new SparkConf().getAll()).toEqual([])
  })

  it('tells with contains whether a key is set', () => {
    const conf = new SparkConf().set('spark.ui.enabled', 'false')

    expect(conf.contains('spark.ui.enabled')).toBe(true)
    expect(conf.contains('spark.ui.port')).toBe(false)
  })

  it('makes with clone a copy that changes independently', () => {
    const conf = new SparkConf().set('k', 'v')
    const copy = conf.clone().set('k', 'changed').set('other', 1)

    expect(conf.getAll()).toEqual([['k', 'v']])
    expect(copy.getAll()).toEqual([['k', 'changed'], ['other', '1']])
  })

  it('reads integers and booleans, refusing values of another type with a RangeError that names the key', () => {
    const conf = new SparkConf().set('n', '12').set('bad.n', '1.5').set('flag', 'true').set('bad.flag', 'yes')

    expect(conf.getInt('n', 0)).toBe(12)
    expect(conf.getInt('absent', 7)).toBe(7)
    expect(conf.getBoolean('flag', false)).toBe(true)
    expect(conf.getBoolean('absent', true)).toBe(true)
    const intError = thrownBy(() => conf.getInt('bad.n', 0))
    const boolError = thrownBy(() => conf.getBoolean('bad.flag', false))
    expect(intError).toBeInstanceOf(RangeError)
    expect(intError.message).toBe('Configuration bad.n must be an integer, got "1.5"')
    expect(boolError).toBeInstanceOf(RangeError)
    expect(boolError.message).toBe('Configuration bad.flag must be true or false, got "yes"')
  })

  it('reads an unset key as null with getOption', () => {
    expect(new SparkConf().getOption('spark.executor.memory')).toBeNull()
    expect(new SparkConf().set('spark.executor.memory', '1g').getOption('spark.executor.memory')).toBe('1g')
  })
})
