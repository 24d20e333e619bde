using System.Text.RegularExpressions;

namespace NetDsl.Testing.CudaEmulation;

/// <summary>Just enough C++ reading for <see cref="CudaTemplates"/> and <see cref="KernelForms"/>.</summary>
internal static partial class CudaText
{
    /// <summary>The text without // and /* */ comments, which mention netdsl:: names and templates of their own.</summary>
    public static string WithoutComments(string text) => Comment().Replace(text, " ");

    /// <summary>The index of the bracket that closes the one at <paramref name="open"/>, counting only that pair.</summary>
    public static int Closing(string text, int open)
    {
        char opening = text[open];
        char closing = opening switch { '<' => '>', '(' => ')', '{' => '}', _ => throw new ArgumentException($"'{opening}' opens nothing") };
        int depth = 0;
        for (int i = open; i < text.Length; i++)
        {
            if (text[i] == opening) depth++;
            else if (text[i] == closing && --depth == 0) return i;
        }
        throw new FormatException($"Unclosed '{opening}': {text.Substring(open, Math.Min(80, text.Length - open))}");
    }

    /// <summary>A comma-separated list split at its top level (commas in nested brackets stay), items trimmed.</summary>
    public static List<string> SplitList(string list)
    {
        var items = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < list.Length; i++)
        {
            if (list[i] is '<' or '(' or '{' or '[') depth++;
            else if (list[i] is '>' or ')' or '}' or ']') depth--;
            else if (list[i] == ',' && depth == 0)
            {
                items.Add(list[start..i].Trim());
                start = i + 1;
            }
        }
        if (list[start..].Trim() is { Length: > 0 } last) items.Add(last);
        return items;
    }

    [GeneratedRegex(@"//[^\n]*|/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();
}
