using System.Collections.Generic;

namespace NetDsl.Generator.Checking;

/// <summary>
/// Evaluates a block's channel expression such as <c>"width * 4"</c> or <c>"in / 2"</c>: integers, parameter names,
/// + − * / and parentheses, with the usual precedence. Returns null and an explanation on any error.
/// </summary>
internal sealed class ChannelExpression
{
    private readonly string _text;
    private readonly IReadOnlyDictionary<string, int> _names;
    private int _position;
    private string? _error;

    private ChannelExpression(string text, IReadOnlyDictionary<string, int> names) => (_text, _names) = (text, names);

    public static int? Evaluate(string text, IReadOnlyDictionary<string, int> names, out string? error)
    {
        var parser = new ChannelExpression(text, names);
        long? value = parser.Sum();
        parser.SkipSpaces();
        if (parser._error is null && parser._position < text.Length) parser._error = $"has unexpected '{text.Substring(parser._position)}'";
        if (parser._error is null && value is not null && (value < int.MinValue || value > int.MaxValue)) parser._error = "overflows";
        error = parser._error;
        return error is null ? (int?)value : null;
    }

    private long? Sum()
    {
        long? value = Product();
        while (value is not null && (Peek('+') || Peek('-')))
        {
            char op = _text[_position++];
            long? right = Product();
            value = right is null ? null : op == '+' ? value + right : value - right;
        }
        return value;
    }

    private long? Product()
    {
        long? value = Atom();
        while (value is not null && (Peek('*') || Peek('/')))
        {
            char op = _text[_position++];
            long? right = Atom();
            if (right is null) return null;
            if (op == '/' && right == 0) return Fail("divides by zero");
            value = op == '*' ? value * right : value / right;
        }
        return value;
    }

    private long? Atom()
    {
        SkipSpaces();
        if (_position >= _text.Length) return Fail("ends too early");
        char c = _text[_position];
        if (c == '(')
        {
            _position++;
            long? inner = Sum();
            if (!Peek(')')) return inner is null ? null : Fail("misses a ')'");
            _position++;
            return inner;
        }
        int start = _position;
        if (char.IsDigit(c))
        {
            while (_position < _text.Length && char.IsDigit(_text[_position])) _position++;
            return long.TryParse(_text.Substring(start, _position - start), out long number) ? number : Fail("has a number too large");
        }
        if (char.IsLetter(c) || c == '_')
        {
            while (_position < _text.Length && (char.IsLetterOrDigit(_text[_position]) || _text[_position] == '_')) _position++;
            string name = _text.Substring(start, _position - start);
            return _names.TryGetValue(name, out int value) ? value
                : Fail($"names '{name}', which is not a parameter (known: {string.Join(", ", _names.Keys)})");
        }
        return Fail($"has unexpected '{c}'");
    }

    private bool Peek(char c)
    {
        SkipSpaces();
        return _position < _text.Length && _text[_position] == c;
    }

    private void SkipSpaces()
    {
        while (_position < _text.Length && _text[_position] == ' ') _position++;
    }

    private long? Fail(string error)
    {
        _error ??= error;
        return null;
    }
}
